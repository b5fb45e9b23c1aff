import { createHash } from 'node:crypto';

/** The blobs and manifest of a tiny single-layer image for one platform. */
export interface ImageContent {
  config: Buffer;
  layer: Buffer;
  manifest: Buffer;
  manifestDigest: string;
  mediaType: string;
  platform: Platform;
}

/** An image's platform, as OCI index entries name it. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/**
 * `oci` (the default) writes OCI media types; `docker` the Docker v2
 * schema 2 manifest and manifest list, which older builders still push.
 */
export type ManifestFormat = 'oci' | 'docker';

export interface ImageOptions {
  /** The config blob's `created`; default now. */
  created?: string;
  /** Leaves `created` out of the config blob, as some builders do. */
  omitCreated?: boolean;
  /** `org.opencontainers.image.created` on the manifest. */
  annotationCreated?: string;
  /** Makes the image distinct (a different digest) without other changes. */
  label?: string;
  /** Default linux/amd64. */
  platform?: Platform;
  format?: ManifestFormat;
}

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST =
  'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_LIST =
  'application/vnd.docker.distribution.manifest.list.v2+json';

export function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function buildImage(options: ImageOptions = {}): ImageContent {
  const platform = options.platform ?? { os: 'linux', architecture: 'amd64' };
  const docker = options.format === 'docker';
  const layer = Buffer.from(
    `layer ${options.label ?? ''} ${platform.os}/${platform.architecture}`,
  );
  const config = Buffer.from(
    JSON.stringify({
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant ? { variant: platform.variant } : {}),
      ...(options.omitCreated
        ? {}
        : { created: options.created ?? new Date().toISOString() }),
      config: { Labels: options.label ? { label: options.label } : {} },
      rootfs: { type: 'layers', diff_ids: [sha256(layer)] },
    }),
  );
  const mediaType = docker ? DOCKER_MANIFEST : OCI_MANIFEST;
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: {
        mediaType: docker
          ? 'application/vnd.docker.container.image.v1+json'
          : 'application/vnd.oci.image.config.v1+json',
        digest: sha256(config),
        size: config.length,
      },
      layers: [
        {
          mediaType: docker
            ? 'application/vnd.docker.image.rootfs.diff.tar.gzip'
            : 'application/vnd.oci.image.layer.v1.tar',
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
    mediaType,
    platform,
  };
}

/**
 * An index (OCI) or manifest list (Docker) over per-platform manifests, in
 * the order given, as multi-arch builds push them.
 */
export function buildIndex(
  images: ImageContent | ImageContent[],
  format: ManifestFormat = 'oci',
): {
  index: Buffer;
  digest: string;
  mediaType: string;
} {
  const mediaType = format === 'docker' ? DOCKER_LIST : OCI_INDEX;
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      manifests: (Array.isArray(images) ? images : [images]).map(image => ({
        mediaType: image.mediaType,
        digest: image.manifestDigest,
        size: image.manifest.length,
        platform: image.platform,
      })),
    }),
  );
  return { index, digest: sha256(index), mediaType };
}
