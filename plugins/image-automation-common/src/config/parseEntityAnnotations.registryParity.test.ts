import { parseEntityAnnotations } from './parseEntityAnnotations';
import type { EntityLike } from './types';

function entity(annotations: Record<string, string>): EntityLike {
  return {
    kind: 'Component',
    metadata: {
      name: 'payments',
      annotations: {
        'backstage.io/source-location':
          'url:https://github.com/acme/payments/tree/main/',
        ...annotations,
      },
    },
  };
}

const fullForm = (image: string) =>
  entity({
    'image-automation/config': `images: [{ name: api, image: ghcr.io/acme/api, files: [deploy.yaml], ${image} }]`,
  });

describe('newest-build and digest reflection in the annotations', () => {
  it('reads the newest-build shorthand policy', () => {
    const parsed = parseEntityAnnotations(
      entity({
        'image-automation/image': 'ghcr.io/acme/api',
        'image-automation/policy': 'newest-build: linux/arm64',
        'image-automation/files': 'deploy.yaml',
      }),
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.spec?.images[0].policy).toEqual({
      newestBuild: { platform: 'linux/arm64' },
    });
  });

  it('reads newestBuild and digestReflectionPolicy in the full form', () => {
    const parsed = parseEntityAnnotations(
      fullForm(
        'policy: { newestBuild: {} }, filterTags: { pattern: "^main-" }, digestReflectionPolicy: Always',
      ),
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.spec?.images[0]).toMatchObject({
      policy: { newestBuild: {}, filterTags: { pattern: '^main-' } },
      digestReflectionPolicy: 'Always',
    });
  });

  it('leaves digestReflectionPolicy unset when it is not written', () => {
    const parsed = parseEntityAnnotations(
      fullForm('policy: { semver: { range: "1.x" } }'),
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.spec?.images[0]).not.toHaveProperty('digestReflectionPolicy');
  });

  it.each([
    [
      'digestReflectionPolicy: always',
      'images[0].digestReflectionPolicy',
      'expected Never, IfNotPresent or Always (as in Flux), found "always"',
    ],
    [
      'policy: { newestBuild: { platform: arm64 } }',
      'images[0].policy',
      '"arm64" is not a platform',
    ],
    [
      'policy: { newestBuild: {} }, filterTags: { pattern: "^v(?P<v>.*)$", extract: "$v" }',
      'images[0].filterTags.extract',
      'filterTags.extract has no effect with newestBuild',
    ],
  ])('reports %s at its key', (image, key, message) => {
    const parsed = parseEntityAnnotations(
      fullForm(
        image.startsWith('policy')
          ? image
          : `policy: { numerical: {} }, ${image}`,
      ),
    );
    expect(parsed.spec?.images ?? []).toEqual([]);
    expect(parsed.problems).toEqual([
      expect.objectContaining({
        key: expect.stringContaining(key),
        message: expect.stringContaining(message),
      }),
    ]);
  });
});
