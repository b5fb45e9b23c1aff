/** Rows as knex returns them, on SQLite or PostgreSQL. */
export type Row = Record<string, any>;

/** `items` in slices of at most `size`: one statement per slice. */
export function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    result.push(items.slice(i, i + size));
  return result;
}

// knex returns bigint columns as strings on PostgreSQL.
export function num(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : Number(value);
}
export function str(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}
