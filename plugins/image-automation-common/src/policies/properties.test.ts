import fc from 'fast-check';
import { createTagPolicy, ImagePolicySpec } from '.';
import {
  parseSemanticVersion,
  compareSemanticVersions,
} from './semver/SemanticVersion';
import { parseSemverRange } from './semver/SemverRange';

const number = fc.integer({ min: 0, max: 12 }).map(String);
const prerelease = fc.constantFrom(
  '',
  '-rc.1',
  '-rc.2',
  '-alpha',
  '-0',
  '-beta.10',
);
const semverTag = fc
  .tuple(fc.constantFrom('', 'v'), number, number, number, prerelease)
  .map(([v, a, b, c, pre]) => `${v}${a}.${b}.${c}${pre}`);
const noiseTag = fc.constantFrom(
  'latest',
  'main',
  '1.2',
  '1.0.0.1',
  'sha256-abc.sig',
  'bad tag',
  '01.2.3',
  '7',
  '07',
  '10',
  '1e1',
  '1e2',
  '-1',
);
const tags = fc.array(fc.oneof(semverTag, semverTag, noiseTag), {
  maxLength: 40,
});
const range = fc.constantFrom(
  '>=1.4.0 <2.0.0',
  '1.x',
  '^2.1',
  '~3.2.1',
  '*',
  '>=0.0.0-0',
  '<5.0.0 || >=10.0.0',
  '>=1.0.0-rc.1, <3.0.0-0',
  '!=4.0.0',
);

describe('policy properties', () => {
  it('the chosen semver tag satisfies the range and no allowed tag is greater', () => {
    fc.assert(
      fc.property(range, tags, (r, list) => {
        const policy = createTagPolicy({ semver: { range: r } });
        const { latest, candidates } = policy.evaluate(list);
        const parsedRange = parseSemverRange(r);
        const allowed = list.filter(tag => {
          const version = parseSemanticVersion(tag);
          return version && !tag.endsWith('.sig') && parsedRange.test(version);
        });
        expect(new Set(candidates)).toEqual(new Set(allowed));
        expect(latest === undefined).toBe(allowed.length === 0);
        const chosen =
          latest === undefined ? undefined : parseSemanticVersion(latest);
        const chosenIsBest = allowed.every(
          tag =>
            chosen !== undefined &&
            parsedRange.test(chosen) &&
            compareSemanticVersions(parseSemanticVersion(tag)!, chosen) <= 0,
        );
        expect(chosenIsBest).toBe(true);
      }),
    );
  });

  it('the order of input tags never changes the result', () => {
    const spec = fc.oneof(
      range.map(r => ({ semver: { range: r } } as ImagePolicySpec)),
      fc.constantFrom<ImagePolicySpec>(
        { alphabetical: { order: 'asc' } },
        { alphabetical: { order: 'desc' } },
        { numerical: { order: 'asc' } },
        { numerical: { order: 'desc' } },
        {
          semver: { range: '*' },
          filterTags: { pattern: '^v?(?P<v>.*)$', extract: '$v' },
        },
        {
          numerical: { order: 'asc' },
          filterTags: { pattern: '^(?P<n>[0-9]+)', extract: '${n}' },
        },
      ),
    );
    fc.assert(
      fc.property(
        spec,
        tags.chain(list =>
          fc.tuple(
            fc.constant(list),
            fc.shuffledSubarray(list, { minLength: list.length }),
          ),
        ),
        (s, [list, shuffled]) => {
          const policy = createTagPolicy(s);
          const a = policy.evaluate(list);
          const b = policy.evaluate(shuffled);
          expect(b.latest).toBe(a.latest);
          expect(b.candidates).toEqual(a.candidates);
          expect(new Set(b.excluded.map(e => `${e.tag}:${e.reason}`))).toEqual(
            new Set(a.excluded.map(e => `${e.tag}:${e.reason}`)),
          );
        },
      ),
    );
  });

  it('asc and desc are mirror images', () => {
    const anyTag = fc.oneof(
      semverTag,
      noiseTag,
      fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,8}$/),
    );
    fc.assert(
      fc.property(
        fc.constantFrom('alphabetical', 'numerical'),
        fc.array(anyTag, { maxLength: 30 }),
        (kind, list) => {
          const asc = createTagPolicy({ [kind]: { order: 'asc' } }).evaluate(
            list,
          );
          const desc = createTagPolicy({ [kind]: { order: 'desc' } }).evaluate(
            list,
          );
          // Equal numbers (7, 07) tie the same way in both orders (Flux
          // keeps the last met in descending bytes), so numerical mirrors
          // the numbers; alphabetical has no ties and mirrors the tags.
          const value = (tag: string) =>
            kind === 'numerical' ? String(Number(tag)) : tag;
          expect(desc.candidates.map(value)).toEqual(
            [...asc.candidates].map(value).reverse(),
          );
          const lastOfAsc = asc.candidates[asc.candidates.length - 1];
          expect(desc.latest && value(desc.latest)).toBe(
            lastOfAsc && value(lastOfAsc),
          );
        },
      ),
    );
  });

  it('extraction is consistent: filtering with an identity extract changes nothing', () => {
    fc.assert(
      fc.property(range, tags, (r, list) => {
        const plain = createTagPolicy({ semver: { range: r } }).evaluate(list);
        const identity = createTagPolicy({
          semver: { range: r },
          filterTags: { pattern: '^(?P<all>.*)$', extract: '$all' },
        }).evaluate(list);
        expect(identity.latest).toBe(plain.latest);
        expect(identity.candidates).toEqual(plain.candidates);
      }),
    );
  });

  it('extraction is consistent: a prefix stripped by the filter orders like the bare tags', () => {
    fc.assert(
      fc.property(range, fc.array(semverTag, { maxLength: 30 }), (r, list) => {
        const bare = list.filter(tag => !tag.startsWith('v'));
        const plain = createTagPolicy({ semver: { range: r } }).evaluate(bare);
        const prefixed = createTagPolicy({
          semver: { range: r },
          filterTags: { pattern: '^app-(?P<v>.*)$', extract: '$v' },
        }).evaluate(bare.map(tag => `app-${tag}`));
        expect(prefixed.latest).toBe(
          plain.latest === undefined ? undefined : `app-${plain.latest}`,
        );
        expect(prefixed.candidates).toEqual(
          plain.candidates.map(tag => `app-${tag}`),
        );
      }),
    );
  });

  it('compare agrees with the ranking (ties aside, which compare reports as 0)', () => {
    fc.assert(
      fc.property(range, tags, (r, list) => {
        const policy = createTagPolicy({ semver: { range: r } });
        const { candidates } = policy.evaluate(list);
        for (let i = 1; i < candidates.length; i++) {
          expect(
            policy.compare(candidates[i - 1], candidates[i]),
          ).toBeGreaterThanOrEqual(0);
          expect(
            policy.compare(candidates[i], candidates[i - 1]),
          ).toBeLessThanOrEqual(0);
        }
      }),
    );
  });
});
