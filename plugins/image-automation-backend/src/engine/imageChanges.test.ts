import type { ImageRecord } from '../domain/records';
import { changedImages, imagesFingerprint, sameImages } from './imageChanges';

const image = (over: Partial<ImageRecord> = {}): ImageRecord => ({
  entityRef: 'component:default/web',
  imageName: 'web',
  repository: 'ghcr.io/acme/web',
  image: 'ghcr.io/acme/web',
  policy: 'semver ^1.0.0',
  state: 'up-to-date',
  currentTag: '1.0.0',
  latestTag: '1.0.0',
  updatedAt: 1_000,
  ...over,
});

describe('changedImages', () => {
  it('writes nothing when a check found what was stored, whenever it ran', () => {
    expect(changedImages([image({ updatedAt: 9_000 })], [image()])).toBe(
      undefined,
    );
    expect(changedImages([], [])).toBe(undefined);
  });

  it('writes the entity when one image moved, keeping the others’ time of change', () => {
    const checked = [
      image({ updatedAt: 9_000 }),
      image({
        imageName: 'sidecar',
        latestTag: '1.1.0',
        state: 'update-available',
        updatedAt: 9_000,
      }),
    ];
    const stored = [image(), image({ imageName: 'sidecar' })];
    expect(changedImages(checked, stored)).toEqual([
      image({ updatedAt: 1_000 }),
      checked[1],
    ]);
  });

  it.each<[string, Partial<ImageRecord>]>([
    ['state', { state: 'error' }],
    ['error message', { errorMessage: 'GitHub answered 502' }],
    ['digest', { digest: 'sha256:abc' }],
    ['line', { currentLine: 7 }],
    ['pending since', { pendingSince: 5 }],
  ])('sees a change of %s', (_, change) => {
    expect(
      changedImages([image({ ...change, updatedAt: 9_000 })], [image()]),
    ).toEqual([image({ ...change, updatedAt: 9_000 })]);
  });

  it('writes the entity when an image was added or is gone', () => {
    expect(
      changedImages([image()], [image(), image({ imageName: 'old' })]),
    ).toEqual([image()]);
    expect(
      changedImages([image(), image({ imageName: 'new' })], [image()]),
    ).toBeDefined();
  });
});

describe('imagesFingerprint', () => {
  it('is the same for images that say the same, in any order, whenever checked', () => {
    const both = [image(), image({ imageName: 'sidecar' })];
    expect(
      imagesFingerprint([
        image({ imageName: 'sidecar', updatedAt: 5 }),
        image({ updatedAt: 7 }),
      ]),
    ).toBe(imagesFingerprint(both));
    expect(imagesFingerprint([])).toBe(imagesFingerprint([]));
  });

  it.each<[string, Partial<ImageRecord>]>([
    ['repository', { repository: 'ghcr.io/acme/other' }],
    ['image', { image: 'ghcr.io/acme/other' }],
    ['policy', { policy: 'semver ^2.0.0' }],
    ['state', { state: 'error' }],
    ['current tag', { currentTag: '0.9.0' }],
    ['current file', { currentFile: 'a.yaml' }],
    ['current line', { currentLine: 7 }],
    ['latest tag', { latestTag: '1.1.0' }],
    ['versions behind', { versionsBehind: 1 }],
    ['pending since', { pendingSince: 5 }],
    ['message', { message: 'held back' }],
    ['error kind', { errorKind: 'manifest' }],
    ['error message', { errorMessage: 'GitHub answered 502' }],
    ['digest', { digest: 'sha256:abc' }],
    ['name', { imageName: 'other' }],
  ])('tells apart a change of %s, as sameImages does', (_, change) => {
    expect(sameImages([image(change)], [image()])).toBe(false);
    expect(imagesFingerprint([image(change)])).not.toBe(
      imagesFingerprint([image()]),
    );
  });

  it('tells apart an image added, and values that would run together in a string', () => {
    expect(imagesFingerprint([image(), image({ imageName: 'b' })])).not.toBe(
      imagesFingerprint([image()]),
    );
    expect(
      imagesFingerprint([image({ message: 'a', errorMessage: 'b,c' })]),
    ).not.toBe(
      imagesFingerprint([image({ message: 'a,b', errorMessage: 'c' })]),
    );
  });
});
