import {
  ImageAutomationSpec,
  PolicySpec,
  TagFacts,
  createTagPolicy,
} from '@image-automation/plugin-image-automation-common';
import {
  decideImagePlan,
  formatDuration,
  pinnedDigestSituation,
  withPinnedDigest,
} from './decideImagePlan';
import { CurrentTag } from './readCurrentTags';

const TAGS = ['1.0.0', '1.1.0', '1.2.0', '2.0.0', 'latest'];

function decide(
  current: CurrentTag,
  options: {
    policy?: PolicySpec;
    allowDowngrade?: boolean;
    minimumAgeMs?: number;
    tags?: string[];
    facts?: TagFacts;
  } = {},
) {
  const policy = options.policy ?? { semver: { range: '^1.0.0' } };
  const image: ImageAutomationSpec = {
    name: 'api',
    image: 'ghcr.io/acme/api',
    policy,
    files: ['deploy/api.yaml'],
    allowDowngrade: options.allowDowngrade ?? false,
    minimumAgeMs: options.minimumAgeMs,
  };
  return decideImagePlan({
    image,
    policy: createTagPolicy(policy),
    repository: 'ghcr.io/acme/api',
    tags: options.tags ?? TAGS,
    current,
    facts: options.facts,
  });
}

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const API: ImageAutomationSpec = {
  name: 'api',
  image: 'ghcr.io/acme/api',
  policy: { semver: { range: '^1.0.0' } },
  files: ['deploy/api.yaml'],
  allowDowngrade: false,
};

describe('decideImagePlan', () => {
  it.each([
    ['behind', '1.0.0', {}, { targetTag: '1.2.0', updateDue: true }],
    ['at the newest', '1.2.0', {}, { targetTag: '1.2.0', updateDue: false }],
    [
      'outside the range below',
      '0.9.0',
      {},
      { targetTag: '1.2.0', updateDue: true },
    ],
    [
      'above every listed tag',
      '1.3.0',
      {},
      { targetTag: '1.3.0', updateDue: false },
    ],
    ['above the range', '2.0.0', {}, { targetTag: '2.0.0', updateDue: false }],
    [
      'above, downgrade allowed',
      '1.3.0',
      { allowDowngrade: true },
      { targetTag: '1.2.0', updateDue: true },
    ],
    [
      'alphabetical',
      'a',
      {
        policy: { alphabetical: { order: 'asc' as const } },
        tags: ['a', 'c', 'b'],
      },
      { targetTag: 'c', updateDue: true },
    ],
  ])('%s: files at %s', (_, tag, options, expected) => {
    const plan = decide({ tag, where: 'deploy/api.yaml:10' }, options);
    expect(plan).toMatchObject({ ...expected, currentTag: tag });
    expect(plan.error).toBeUndefined();
  });

  it('notes a refused downgrade with the backend message', () => {
    expect(decide({ tag: '1.3.0' }).notes).toEqual([
      'Git holds 1.3.0, which the policy orders at or above 1.2.0, the newest allowed tag the registry lists; not downgrading (set allowDowngrade to allow it)',
    ]);
  });

  it('notes a minimumAge it cannot apply, and files that disagree', () => {
    const plan = decide(
      { tag: '1.0.0', where: 'a.yaml:3', disagreement: 'b.yaml:4 holds 1.1.0' },
      { minimumAgeMs: 7_200_000 },
    );
    expect(plan.updateDue).toBe(true);
    expect(plan.notes).toEqual([
      'minimumAge 2h is not applied: a plan has no first-seen times of tags (the backend stores them), so the backend may hold a new tag back for that long',
      'the files disagree: a.yaml:3 holds 1.0.0, b.yaml:4 holds 1.1.0; every place is set to the same tag',
    ]);
  });

  it('fails when no listed tag is allowed', () => {
    expect(
      decide({ tag: '1.0.0' }, { tags: ['2.0.0', 'latest'] }),
    ).toMatchObject({
      updateDue: false,
      error:
        'none of the 2 tags of ghcr.io/acme/api is allowed by semver ^1.0.0: check the policy and the tags the registry lists',
    });
  });

  it('fails with the problem of the files, before deciding', () => {
    const plan = decide({ problem: 'deploy/api.yaml: bad' });
    expect(plan).toMatchObject({ error: 'deploy/api.yaml: bad', notes: [] });
    expect(plan.targetTag).toBeUndefined();
  });

  it.each([
    [7_200_000, '2h'],
    [5_400_000, '90m'],
    [172_800_000, '2d'],
    [1_500, '1500ms'],
    [30_000, '30s'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('chooses the newest build among the tags with a known build time', () => {
    const plan = decide(
      { tag: '1.0.0' },
      {
        policy: { newestBuild: {} },
        facts: {
          created: { '1.0.0': 1, '1.1.0': 3, '2.0.0': 2 },
          createdUnknown: { '1.2.0': 'no created', latest: 'no created' },
        },
      },
    );
    expect(plan).toMatchObject({
      targetTag: '1.1.0',
      updateDue: true,
      notes: [
        '2 tags have no known build time and are left out (1.2.0: no created)',
      ],
    });
  });
});

describe('digest pins in a plan', () => {
  const behind = decide({ tag: '1.0.0' });

  it('asks nothing of an image whose files pin no digest, or that could not be planned', () => {
    expect(
      pinnedDigestSituation(API, { tag: '1.0.0' }, behind),
    ).toBeUndefined();
    expect(
      pinnedDigestSituation(
        API,
        { tag: '1.0.0', pinsDigest: true },
        { ...behind, error: 'no' },
      ),
    ).toBeUndefined();
  });

  it('pins the new tag to the digest the registry gives for it', () => {
    const situation = pinnedDigestSituation(
      API,
      { tag: '1.0.0', pinsDigest: true, digest: digest('a') },
      behind,
    )!;
    expect(situation).toEqual({
      reflection: undefined,
      pinsDigest: true,
      currentTag: '1.0.0',
      currentDigest: digest('a'),
      chosenTag: '1.2.0',
    });
    expect(withPinnedDigest(behind, situation, digest('b'))).toEqual({
      ...behind,
      targetDigest: digest('b'),
    });
  });

  it('turns a tag pushed again with a new digest into an update of its own, in words', () => {
    const upToDate = decide({ tag: '1.2.0' });
    expect(upToDate.updateDue).toBe(false);
    const situation = pinnedDigestSituation(
      { ...API, digestReflectionPolicy: 'Always' },
      { tag: '1.2.0', pinsDigest: true, digest: digest('a') },
      upToDate,
    )!;
    expect(withPinnedDigest(upToDate, situation, digest('b'))).toEqual({
      ...upToDate,
      targetDigest: digest('b'),
      updateDue: true,
      notes: [
        '1.2.0 was pushed again: its digest is now sha256:bbbbbbbbbbbb (Git pins sha256:aaaaaaaaaaaa)',
      ],
    });
  });

  it('keeps the pinned digest while the tag stays, without a reading', () => {
    const upToDate = decide({ tag: '1.2.0' });
    const situation = pinnedDigestSituation(
      API,
      { tag: '1.2.0', pinsDigest: true, digest: digest('a') },
      upToDate,
    )!;
    expect(withPinnedDigest(upToDate, situation, undefined)).toEqual({
      ...upToDate,
      targetDigest: digest('a'),
    });
  });
});
