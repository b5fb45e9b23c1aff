/**
 * Which files a directory walk scans, as Flux's image-automation-controller
 * does (internal/update/filereader.go): names ending in `.yaml` or `.yml`,
 * or exactly `Kustomization`, compared case-sensitively (`app.YAML` is not
 * scanned), and nothing else.
 */
export function isManifestFileName(name: string): boolean {
  return (
    name.endsWith('.yaml') || name.endsWith('.yml') || name === 'Kustomization'
  );
}
