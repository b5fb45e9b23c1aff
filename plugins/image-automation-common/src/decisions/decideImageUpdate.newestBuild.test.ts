import { createTagPolicy } from '../policies';
import { FirstSeenTags } from '../tags';
import { decideImageUpdate } from './decideImageUpdate';

const policy = createTagPolicy({ newestBuild: {} });
const listed = FirstSeenTags.fromRecord({ a: 1, b: 1, c: 1 });

describe('decideImageUpdate with build times', () => {
  it('proposes the tag built last', () => {
    const decision = decideImageUpdate({
      policy,
      tags: listed,
      facts: { created: { a: 100, b: 300, c: 200 } },
      currentTag: 'c',
      allowDowngrade: false,
      now: 10,
    });
    expect(decision).toMatchObject({
      latestTag: 'b',
      updateDue: true,
      versionsBehind: 1,
    });
  });

  it('never moves Git to an older build than the one it holds', () => {
    // Git holds d, built after every tag the policy can choose now
    // (d's listing vanished: only its build time is known).
    const decision = decideImageUpdate({
      policy,
      tags: listed,
      facts: { created: { a: 100, b: 300, c: 200, d: 400 } },
      currentTag: 'd',
      allowDowngrade: false,
      now: 10,
    });
    expect(decision).toMatchObject({ latestTag: 'd', updateDue: false });
    expect(decision.message).toContain('not downgrading');
  });
});
