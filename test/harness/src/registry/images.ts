import { createHash } from 'node:crypto';

/** The blobs and manifest of a tiny single-layer linux/amd64 image. */
export interface ImageContent {
  config: Buffer;
  layer: Buffer;
  manifest: Buffer;
  manifestDigest: string;
  mediaType: string;
}

export interface ImageOptions {
  /** The config blob's `created`; default now. */
  created?: string;
  /** `org.opencontainers.image.created` on the manifest. */
  annotationCreated?: string;
  /** Makes the image distinct (a different digest) without other changes. */
  label?: string;
}

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

export function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function buildImage(options: ImageOptions = {}): ImageContent {
  const layer = Buffer.from(`layer ${options.label ?? ''}`);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created: options.created ?? new Date().toISOString(),
      config: { Labels: options.label ? { label: options.label } : {} },
      rootfs: { type: 'layers', diff_ids: [sha256(layer)] },
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: sha256(config),
        size: config.length,
      },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar',
          digest: sha256(layer),
          size: layer.length,
        },
      ],
      ...(options.annotationCreated
        ? {
            annotations: {
              'org.opencontainers.image.created': options.annotationCreated,
            },
          }
        : {}),
    }),
  );
  return {
    config,
    layer,
    manifest,
    manifestDigest: sha256(manifest),
    mediaType: OCI_MANIFEST,
  };
}

/** An OCI index pointing at one linux/amd64 manifest. */
export function buildIndex(image: ImageContent): {
  index: Buffer;
  digest: string;
} {
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        {
          mediaType: image.mediaType,
          digest: image.manifestDigest,
          size: image.manifest.length,
          platform: { os: 'linux', architecture: 'amd64' },
        },
      ],
    }),
  );
  return { index, digest: sha256(index) };
}
