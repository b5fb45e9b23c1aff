/*
 * Times as people read them ("3 hours ago"), computed against an explicit
 * `now` so the output is deterministic in tests. The locale defaults to the
 * browser's: `undefined` makes Intl use the runtime's default locale.
 */

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** "5 minutes ago", "yesterday", "in 2 hours" (a clock far off); under a minute ahead is "now". */
export function formatRelativeTime(
  iso: string,
  now: number = Date.now(),
  locale?: string,
): string {
  const relativeFormat = new Intl.RelativeTimeFormat(locale, {
    numeric: 'auto',
  });
  const raw = Math.round((Date.parse(iso) - now) / 1000);
  // A server clock a few seconds ahead must not read "in 1 second".
  const seconds = raw > 0 && raw < 60 ? 0 : raw;
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') {
      return relativeFormat.format(Math.trunc(seconds / size), unit);
    }
  }
  return relativeFormat.format(0, 'second');
}

/** "3 days", "5 hours": how long something has been waiting since `iso`. */
export function formatAge(iso: string, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  for (const [unit, size] of UNITS) {
    if (seconds >= size) {
      const count = Math.floor(seconds / size);
      return `${count} ${unit}${count === 1 ? '' : 's'}`;
    }
  }
  return 'just now';
}

/** The full local date and time, for hover text. */
export function formatAbsoluteTime(iso: string, locale?: string): string {
  return new Date(iso).toLocaleString(locale, {
    dateStyle: 'medium',
    timeStyle: 'long',
  });
}
