/**
 * When a rate-limited Git host takes requests again, as the card says it: `21:05 UTC`, or
 * `2026-12-02 09:00 UTC` when the reset is not today (a time alone would read as hours ago).
 */
export function formatResumeTime(at: Date, now = new Date()): string {
  const iso = at.toISOString();
  const sameDay = iso.slice(0, 10) === now.toISOString().slice(0, 10);
  return `${sameDay ? '' : `${iso.slice(0, 10)} `}${iso.slice(11, 16)} UTC`;
}
