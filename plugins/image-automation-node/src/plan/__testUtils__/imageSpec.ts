import { ImageAutomationSpec } from '@image-automation/plugin-image-automation-common';

/** An image `ghcr.io/acme/NAME` whose policy takes every 1.x release. */
export function imageSpec(
  name: string,
  files: string[],
  container?: string,
): ImageAutomationSpec {
  return {
    name,
    image: `ghcr.io/acme/${name}`,
    policy: { semver: { range: '^1.0.0' } },
    files,
    container,
    allowDowngrade: false,
  };
}
