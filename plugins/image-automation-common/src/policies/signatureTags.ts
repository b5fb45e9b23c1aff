/**
 * Tags cosign and friends push next to images (signatures `.sig`,
 * attestations `.att`, SBOMs `.sbom`) are never deployable, so every policy
 * skips them, as Flux's default `exclusionList` does for `.sig`.
 */
export function isSignatureTag(tag: string): boolean {
  return tag.endsWith('.sig') || tag.endsWith('.att') || tag.endsWith('.sbom');
}
