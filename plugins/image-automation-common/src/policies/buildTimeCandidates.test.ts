import { buildTimeCandidates } from './buildTimeCandidates';

describe('buildTimeCandidates', () => {
  it('keeps the tags the filter allows, last in byte order first', () => {
    expect(
      buildTimeCandidates({ filterTags: { pattern: '^main-' } }, [
        'main-a',
        'v1',
        'main-c',
        'main-b',
      ]),
    ).toEqual(['main-c', 'main-b', 'main-a']);
  });

  it('leaves out signature tags and names that are no OCI tag, filter or not', () => {
    const digestTag = `sha256-${'a'.repeat(64)}.sig`;
    expect(buildTimeCandidates({}, ['latest', digestTag, '-bad'])).toEqual([
      'latest',
    ]);
  });
});
