import type { ImageRecord } from '../domain/records';
import { changedImages } from './imageChanges';

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
