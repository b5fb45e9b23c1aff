import { MAX_MANIFEST_BYTES } from '@image-automation/plugin-image-automation-node';
import { GitError } from '../GitError';
import type { TreeEntry } from './GitRepository';

/**
 * Refuses a manifest over the size limit. Every host calls it before the
 * file's bytes are downloaded: a 50 MiB file must never reach memory.
 */
export function refuseOversizedManifest(
  path: string,
  where: string,
  size: number,
): void {
  if (size > MAX_MANIFEST_BYTES) {
    throw new GitError(
      'git-bad-repository',
      `${path} in ${where} is ${size} bytes; manifests over ${MAX_MANIFEST_BYTES} bytes are refused`,
    );
  }
}

/**
 * The listing's entries for the manifests to read, checked before any is
 * read: a link is refused (its target may lie outside the repository, so it
 * is never followed), and with `listedSizes` so is an entry whose listed size
 * is over the limit (hosts whose listings carry true sizes). Paths not in the
 * listing come back in `missing`, in the order given.
 *
 * @param where - `<repository>@<branch>`, as the errors name it.
 */
export function manifestEntries(
  entries: ReadonlyMap<string, TreeEntry>,
  paths: Iterable<string>,
  where: string,
  options: { listedSizes?: boolean } = {},
): { wanted: Array<{ path: string; entry: TreeEntry }>; missing: string[] } {
  const wanted: Array<{ path: string; entry: TreeEntry }> = [];
  const missing: string[] = [];
  for (const path of paths) {
    const entry = entries.get(path);
    if (!entry) {
      missing.push(path);
      continue;
    }
    if (entry.mode === '120000') {
      throw new GitError(
        'git-bad-repository',
        `${path} in ${where} is a symbolic link; list the file it points to instead`,
      );
    }
    if (options.listedSizes) refuseOversizedManifest(path, where, entry.size);
    wanted.push({ path, entry });
  }
  return { wanted, missing };
}
