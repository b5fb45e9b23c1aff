/** Manifest media types, multi-platform indexes first. */
export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

/**
 * Every manifest type we read. Without the OCI types registry 2.8 answers
 * 404 for OCI images, and without the list types registries convert a
 * multi-arch tag to one platform's manifest, whose digest differs from the
 * tag's.
 */
export const MANIFEST_ACCEPT = Object.values(MEDIA_TYPES).join(', ');

export function isIndexMediaType(mediaType: string): boolean {
  return (
    mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerList
  );
}
