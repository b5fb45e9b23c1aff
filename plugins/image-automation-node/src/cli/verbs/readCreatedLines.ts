/** RFC 3339 date-time: a date, `T` or a space, a time, `Z` or an offset. */
const RFC3339 =
  /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Reads a `--created-file`: a tag, whitespace and an RFC 3339 time on each
 * line (`main-abc1234 2024-06-01T10:00:00Z`), as `crane config` or a registry
 * listing can produce. Blank lines and `#` comments are skipped. Returns the
 * build times (epoch ms) or the first bad line, in plain words.
 */
export function readCreatedLines(
  text: string,
): { created: Record<string, number> } | { problem: string } {
  const created: Record<string, number> = {};
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].replace(/\r$/, '').trim();
    if (line.length === 0 || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    const where = `line ${index + 1}`;
    if (fields.length !== 2) {
      return {
        problem: `${where}: expected a tag and an RFC 3339 time separated by whitespace, e.g. "v1.2.0 2024-06-01T10:00:00Z", not ${JSON.stringify(
          line,
        )}`,
      };
    }
    const [tag, time] = fields;
    const epoch = RFC3339.test(time) ? Date.parse(time) : NaN;
    if (Number.isNaN(epoch)) {
      return {
        problem: `${where}: ${JSON.stringify(
          time,
        )} is not an RFC 3339 time such as 2024-06-01T10:00:00Z`,
      };
    }
    if (tag in created) {
      return { problem: `${where}: ${JSON.stringify(tag)} is listed twice` };
    }
    created[tag] = epoch;
  }
  return { created };
}
