import { formatResumeTime } from './formatResumeTime';

describe('formatResumeTime', () => {
  const now = new Date('2026-12-01T20:00:00Z');

  it('gives the time alone when the reset is today', () => {
    expect(formatResumeTime(new Date('2026-12-01T21:05:59Z'), now)).toBe(
      '21:05 UTC',
    );
  });

  it('names the day when the reset is not today', () => {
    expect(formatResumeTime(new Date('2026-12-02T00:10:00Z'), now)).toBe(
      '2026-12-02 00:10 UTC',
    );
  });
});
