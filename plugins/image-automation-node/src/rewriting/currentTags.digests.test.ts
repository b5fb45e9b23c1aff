import { createTagPolicy } from '@image-automation/plugin-image-automation-common';
import { imageSpec } from '../plan/__testUtils__/imageSpec';
import { findCurrentTags } from './currentTags';

const api = imageSpec('api', ['a.yaml']);
const policies = new Map([['api', createTagPolicy(api.policy)]]);
const D1 = `sha256:${'1'.repeat(64)}`;

const read = (content: string) =>
  findCurrentTags([api], new Map([['a.yaml', content]]), policies).current.get(
    'api',
  );

describe('findCurrentTags: digest pins', () => {
  it('reads the digest of a full reference', () => {
    expect(
      read(`image: ghcr.io/acme/api:1.0.0@${D1} # {"$imagepolicy": "api"}\n`),
    ).toMatchObject({ tag: '1.0.0', digest: D1, pinsDigest: true });
  });

  it('reads the digest of a :digest setter beside a :tag setter', () => {
    expect(
      read(
        [
          'image:',
          '  repository: ghcr.io/acme/api # {"$imagepolicy": "api:name"}',
          '  tag: 1.0.0 # {"$imagepolicy": "api:tag"}',
          `  digest: ${D1} # {"$imagepolicy": "api:digest"}`,
          '',
        ].join('\n'),
      ),
    ).toMatchObject({ tag: '1.0.0', digest: D1, pinsDigest: true });
  });

  it('says nothing of digests where no place pins one', () => {
    const here = read(
      'image: ghcr.io/acme/api:1.0.0 # {"$imagepolicy": "api"}\n',
    );
    expect(here).toEqual({
      tag: '1.0.0',
      file: 'a.yaml',
      line: 1,
      disagreement: undefined,
    });
  });
});
