import { createTagPolicy } from '../policies';
import { FirstSeenTags } from '../tags';
import { decideImageUpdate } from './decideImageUpdate';

const HOUR = 3_600_000;
const now = 100 * HOUR;

function seen(tags: Record<string, number>) {
  return FirstSeenTags.fromRecord(tags);
}
const old = 0;

describe('decideImageUpdate', () => {
  const semver = createTagPolicy({ semver: { range: '>=1.0.0 <2.0.0' } });

  it('proposes the newest allowed tag when Git is behind', () => {
    const decision = decideImageUpdate({
      policy: semver,
      tags: seen({ '1.0.0': old, '1.1.0': old, '1.2.0': 5, '2.0.0': old }),
      currentTag: '1.0.0',
      allowDowngrade: false,
      now,
    });
    expect(decision).toMatchObject({
      latestTag: '1.2.0',
      updateDue: true,
      versionsBehind: 2,
      pendingSince: 5,
    });
  });

  it('is up to date when Git holds the newest allowed tag', () => {
    const decision = decideImageUpdate({
      policy: semver,
      tags: seen({ '1.0.0': old, '1.2.0': old }),
      currentTag: '1.2.0',
      allowDowngrade: false,
      now,
    });
    expect(decision).toMatchObject({
      latestTag: '1.2.0',
      updateDue: false,
      versionsBehind: 0,
    });
  });

  it('never rolls back when the newest tag was deleted from the registry', () => {
    const decision = decideImageUpdate({
      policy: semver,
      tags: seen({ '1.0.0': old, '1.1.0': old }),
      currentTag: '1.2.0',
      allowDowngrade: false,
      now,
    });
    expect(decision.updateDue).toBe(false);
    expect(decision.latestTag).toBe('1.2.0');
    expect(decision.message).toMatch(/not downgrading/);
  });

  it('never rolls back from a tag outside the range that semver orders higher', () => {
    const decision = decideImageUpdate({
      policy: semver,
      tags: seen({ '1.9.0': old }),
      currentTag: '2.1.0',
      allowDowngrade: false,
      now,
    });
    expect(decision.updateDue).toBe(false);
  });

  it.each([
    // 2024.01-rc.1 passes Flux's two-dot check and coerces to 2024.1.0-rc.1,
    // above 2023.12.31; npm semver cannot read it, so it used to roll back.
    ['>=2023.1.0 <2024.0.0', '2023.12.31', '2024.01-rc.1'],
    // Parts beyond 2^53 compare exactly (npm semver refuses them).
    [
      '<1.0.20230704123456789',
      '1.0.20230704123456788',
      '1.0.20230704123456789',
    ],
  ])(
    'reads the tag in Git outside %j as the policy reads tags: %s does not replace %s',
    (range, listed, inGit) => {
      const decision = decideImageUpdate({
        policy: createTagPolicy({ semver: { range } }),
        tags: seen({ [listed]: old }),
        currentTag: inGit,
        allowDowngrade: false,
        now,
      });
      expect(decision.updateDue).toBe(false);
      expect(decision.message).toMatch(/not downgrading/);
    },
  );

  it('downgrades only when allowDowngrade is set', () => {
    const decision = decideImageUpdate({
      policy: semver,
      tags: seen({ '1.0.0': old, '1.1.0': old }),
      currentTag: '1.2.0',
      allowDowngrade: true,
      now,
    });
    expect(decision).toMatchObject({ latestTag: '1.1.0', updateDue: true });
  });

  it('moves off a tag the policy cannot order (e.g. latest)', () => {
    const decision = decideImageUpdate({
      policy: semver,
      tags: seen({ '1.0.0': old, latest: old }),
      currentTag: 'latest',
      allowDowngrade: false,
      now,
    });
    expect(decision).toMatchObject({ latestTag: '1.0.0', updateDue: true });
  });

  it('holds a tag back until it has been seen for the minimum age', () => {
    const decision = decideImageUpdate({
      policy: semver,
      tags: seen({ '1.0.0': old, '1.1.0': old, '1.2.0': now - HOUR }),
      currentTag: '1.0.0',
      allowDowngrade: false,
      minimumAgeMs: 2 * HOUR,
      now,
    });
    expect(decision).toMatchObject({ latestTag: '1.1.0', updateDue: true });
    expect(decision.message).toMatch(
      /1\.2\.0 is held back until .* \(minimum age 2h\)/,
    );

    const later = decideImageUpdate({
      policy: semver,
      tags: seen({ '1.0.0': old, '1.1.0': old, '1.2.0': now - HOUR }),
      currentTag: '1.0.0',
      allowDowngrade: false,
      minimumAgeMs: 2 * HOUR,
      now: now + HOUR,
    });
    expect(later).toMatchObject({
      latestTag: '1.2.0',
      updateDue: true,
      message: undefined,
    });
  });

  it('proposes nothing when every allowed tag is too young', () => {
    const decision = decideImageUpdate({
      policy: semver,
      tags: seen({ '1.1.0': now }),
      currentTag: '1.0.0',
      allowDowngrade: false,
      minimumAgeMs: HOUR,
      now,
    });
    expect(decision.updateDue).toBe(false);
    expect(decision.latestTag).toBeUndefined();
  });

  it('says when no tag satisfies the policy', () => {
    const decision = decideImageUpdate({
      policy: semver,
      tags: seen({ '0.9.0': old, '3.0.0': old }),
      currentTag: '1.0.0',
      allowDowngrade: false,
      now,
    });
    expect(decision.noAllowedTag).toEqual({
      tagsListed: 2,
      policy: semver.describe(),
    });
    expect(decision.updateDue).toBe(false);
  });

  it('reports the latest tag without deciding when the tag in Git is unknown', () => {
    const decision = decideImageUpdate({
      policy: semver,
      tags: seen({ '1.1.0': old }),
      allowDowngrade: false,
      now,
    });
    expect(decision).toMatchObject({
      latestTag: '1.1.0',
      updateDue: false,
      versionsBehind: undefined,
    });
  });

  it('follows alphabetical and numerical orders too', () => {
    const numerical = createTagPolicy({ numerical: { order: 'asc' } });
    expect(
      decideImageUpdate({
        policy: numerical,
        tags: seen({ '9': old, '10': old, '11': old }),
        currentTag: '10',
        allowDowngrade: false,
        now,
      }),
    ).toMatchObject({ latestTag: '11', updateDue: true, versionsBehind: 1 });
    expect(
      decideImageUpdate({
        policy: numerical,
        tags: seen({ '9': old, '10': old }),
        currentTag: '11',
        allowDowngrade: false,
        now,
      }).updateDue,
    ).toBe(false);
  });
});
