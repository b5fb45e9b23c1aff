import { formatAge, formatRelativeTime } from './relativeTime';

const NOW = Date.parse('2026-11-26T12:00:00Z');

describe('formatRelativeTime', () => {
  it.each([
    ['2026-11-26T12:00:00Z', 'now'],
    ['2026-11-26T11:59:30Z', '30 seconds ago'],
    ['2026-11-26T11:55:00Z', '5 minutes ago'],
    ['2026-11-26T09:00:00Z', '3 hours ago'],
    ['2026-11-25T12:00:00Z', 'yesterday'],
    ['2026-11-12T12:00:00Z', '2 weeks ago'],
    ['2026-11-26T14:00:00Z', 'in 2 hours'],
    ['2026-11-26T12:00:02Z', 'now'],
  ])('%s is "%s"', (iso, expected) => {
    expect(formatRelativeTime(iso, NOW)).toBe(expected);
  });
});

describe('formatAge', () => {
  it.each([
    ['2026-11-26T12:00:00Z', 'just now'],
    ['2026-11-26T11:59:00Z', '1 minute'],
    ['2026-11-26T07:00:00Z', '5 hours'],
    ['2026-11-23T12:00:00Z', '3 days'],
    ['2026-10-01T12:00:00Z', '1 month'],
    ['2026-11-27T12:00:00Z', 'just now'],
  ])('since %s is "%s"', (iso, expected) => {
    expect(formatAge(iso, NOW)).toBe(expected);
  });
});

describe('locale', () => {
  it("formats in the locale it is given, as the browser's would", () => {
    expect(formatRelativeTime('2026-11-26T11:55:00Z', NOW, 'de')).toBe(
      'vor 5 Minuten',
    );
    expect(formatRelativeTime('2026-11-26T11:55:00Z', NOW, 'fr')).toBe(
      'il y a 5 minutes',
    );
  });
});
