import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildImage, sha256 } from './images';

export interface SeedStorageOptions {
  /** The registry's `storage.filesystem.rootdirectory`. */
  rootDir: string;
  repositories: string[];
  tags: string[];
}

/**
 * Writes the distribution registry's filesystem storage layout directly.
 * Only for benchmarks: 1,000 repositories × 100 tags through the HTTP API
 * is 100,000 manifest PUTs (minutes here), while these files take seconds.
 * The layout is registry 2.x's own (docker/registry/v2/blobs and
 * repositories/<name>/_manifests, _layers links), so the registry serves the
 * result exactly as if it had been pushed. Every tag points at one image.
 */
export async function seedRegistryStorage(
  options: SeedStorageOptions,
): Promise<void> {
  const v2 = join(options.rootDir, 'docker', 'registry', 'v2');
  const image = buildImage({ created: '2024-01-01T00:00:00Z' });
  const blobs = [image.layer, image.config, image.manifest];
  const digests = blobs.map(sha256);
  for (const [i, blob] of blobs.entries()) {
    const hex = digests[i].slice('sha256:'.length);
    const dir = join(v2, 'blobs', 'sha256', hex.slice(0, 2), hex);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'data'), blob);
  }
  const [layerDigest, configDigest, manifestDigest] = digests;
  const link = async (dir: string, digest: string) => {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'link'), digest);
  };
  const hexOf = (digest: string) => digest.slice('sha256:'.length);
  const queue = [...options.repositories];
  // bounded parallelism: enough to keep the disk busy, not the fd table full
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (
        let repository = queue.shift();
        repository;
        repository = queue.shift()
      ) {
        const repoDir = join(v2, 'repositories', repository);
        await link(
          join(repoDir, '_layers', 'sha256', hexOf(layerDigest)),
          layerDigest,
        );
        await link(
          join(repoDir, '_layers', 'sha256', hexOf(configDigest)),
          configDigest,
        );
        await link(
          join(
            repoDir,
            '_manifests',
            'revisions',
            'sha256',
            hexOf(manifestDigest),
          ),
          manifestDigest,
        );
        for (const tag of options.tags) {
          const tagDir = join(repoDir, '_manifests', 'tags', tag);
          await link(join(tagDir, 'current'), manifestDigest);
          await link(
            join(tagDir, 'index', 'sha256', hexOf(manifestDigest)),
            manifestDigest,
          );
        }
      }
    }),
  );
}
