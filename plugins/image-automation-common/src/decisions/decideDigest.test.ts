import {
  decideDigest,
  DigestSituation,
  planDigestLookup,
  shortDigest,
} from './decideDigest';

const OLD = `sha256:${'1'.repeat(64)}`;
const NEW = `sha256:${'2'.repeat(64)}`;

const pinned = (over: Partial<DigestSituation> = {}): DigestSituation => ({
  pinsDigest: true,
  currentTag: '1.0.0',
  currentDigest: OLD,
  chosenTag: '1.0.0',
  ...over,
});

describe('planDigestLookup', () => {
  it.each<[string, DigestSituation, ReturnType<typeof planDigestLookup>]>([
    [
      'Always, same tag: every cycle',
      pinned({ reflection: 'Always' }),
      { lookup: true, tag: '1.0.0' },
    ],
    [
      'Always, new tag',
      pinned({ reflection: 'Always', chosenTag: '1.1.0' }),
      { lookup: true, tag: '1.1.0' },
    ],
    [
      'IfNotPresent, same tag with a digest: none',
      pinned({ reflection: 'IfNotPresent' }),
      { lookup: false },
    ],
    [
      'IfNotPresent, new tag',
      pinned({ reflection: 'IfNotPresent', chosenTag: '1.1.0' }),
      { lookup: true, tag: '1.1.0' },
    ],
    [
      'IfNotPresent, same tag without a digest yet',
      pinned({
        reflection: 'IfNotPresent',
        pinsDigest: false,
        currentDigest: undefined,
      }),
      { lookup: true, tag: '1.0.0' },
    ],
    [
      'unset with a pin reads as IfNotPresent',
      pinned({ chosenTag: '1.1.0' }),
      { lookup: true, tag: '1.1.0' },
    ],
    ['unset with a pin, same tag: none', pinned(), { lookup: false }],
    [
      'unset without a pin reads as Never',
      { pinsDigest: false, currentTag: '1.0.0', chosenTag: '1.1.0' },
      { lookup: false },
    ],
    [
      'no chosen tag',
      pinned({ reflection: 'Always', chosenTag: undefined }),
      { lookup: false },
    ],
  ])('%s', (_, situation, expected) => {
    expect(planDigestLookup(situation)).toEqual(expected);
  });

  it('calls Never with a pinned digest a problem', () => {
    expect(
      planDigestLookup(pinned({ reflection: 'Never', chosenTag: '1.1.0' })),
    ).toEqual({
      lookup: false,
      problem: expect.stringContaining(
        'digestReflectionPolicy is Never, so the pin would go stale',
      ),
    });
  });
});

describe('decideDigest', () => {
  it('turns a re-pushed tag into an update with Always', () => {
    expect(decideDigest(pinned({ reflection: 'Always' }), NEW)).toEqual({
      digest: NEW,
      digestUpdateDue: true,
      message: `1.0.0 was pushed again: its digest is now sha256:222222222222 (Git pins sha256:111111111111)`,
    });
  });

  it('proposes nothing when the digest did not move', () => {
    expect(decideDigest(pinned({ reflection: 'Always' }), OLD)).toEqual({
      digest: OLD,
      digestUpdateDue: false,
    });
  });

  it('writes the new tag with its own digest', () => {
    expect(decideDigest(pinned({ chosenTag: '1.1.0' }), NEW)).toEqual({
      digest: NEW,
      digestUpdateDue: false,
    });
  });

  it('keeps the pinned digest while IfNotPresent keeps the tag', () => {
    expect(decideDigest(pinned({ reflection: 'IfNotPresent' }))).toEqual({
      digest: OLD,
      digestUpdateDue: false,
    });
  });

  it('adds the digest when asked to pin an unpinned tag', () => {
    expect(
      decideDigest(
        {
          reflection: 'Always',
          pinsDigest: false,
          currentTag: '1.0.0',
          chosenTag: '1.0.0',
        },
        NEW,
      ),
    ).toEqual({
      digest: NEW,
      digestUpdateDue: true,
      message: 'pinning 1.0.0 to its digest sha256:222222222222',
    });
  });

  it('writes no digest under Never, even if one was read', () => {
    expect(decideDigest(pinned({ reflection: 'Never' }), NEW)).toEqual({
      digestUpdateDue: false,
    });
  });

  it('writes no digest for a new tag whose digest could not be read', () => {
    expect(decideDigest(pinned({ chosenTag: '1.1.0' }))).toEqual({
      digestUpdateDue: false,
    });
  });
});

describe('shortDigest', () => {
  it('keeps the algorithm and 12 hex digits', () => {
    expect(shortDigest(NEW)).toBe('sha256:222222222222');
  });
});
