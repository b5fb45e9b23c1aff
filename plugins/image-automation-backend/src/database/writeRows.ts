import { Knex } from 'knex';
import { Row } from './rows';

/**
 * What a row whose key is already stored does: its `merge` columns take the
 * new values (by default every column but the key, as knex's `merge()`),
 * or with `ignore` the stored row stays.
 */
export type OnConflict =
  | { key: string[]; merge?: string[] }
  | { key: string[]; ignore: true };

/**
 * Inserts `rows` (or upserts them, with `onConflict`) in one statement that
 * binds a single JSON array, where knex's `insert(rows)` binds one
 * parameter per value. A cycle writes a few hundred thousand values: bound
 * one by one, compiling the statements (knex numbering each `?` as `$n` on
 * PostgreSQL, a regular-expression pass over the whole text) allocated
 * more than the rows themselves and kept it alive long enough for V8 to
 * grow its heap. A JSON array is one string, built and dropped at once.
 *
 * Every row must have the same keys, each a column of `table`; values are
 * strings, numbers or null, as the columns are text and integers. Rows
 * are written in order (history ids follow it).
 */
export async function writeRows(
  db: Knex | Knex.Transaction,
  table: string,
  rows: Row[],
  onConflict?: OnConflict,
): Promise<void> {
  if (!rows.length) return;
  const columns = Object.keys(rows[0]);
  for (const row of rows) {
    const keys = Object.keys(row);
    if (
      keys.length !== columns.length ||
      keys.some((key, i) => key !== columns[i])
    ) {
      throw new Error(
        `Rows for ${table} must all have the columns ${columns.join(
          ', ',
        )}; one has ${keys.join(', ')}`,
      );
    }
  }
  const document = JSON.stringify(rows);
  const postgres = /^(pg|postgres)/.test(String(db.client.config.client));
  const bindings: unknown[] = [table, columns];
  let sql = 'insert into ?? (??) ';
  if (postgres) {
    // The table's own row type converts each field to its column's type.
    sql += 'select ?? from json_populate_recordset(null::??, ?)';
    bindings.push(columns, table, document);
  } else {
    // "where true": SQLite's grammar needs it before an upsert's ON CONFLICT.
    sql += `select ${columns
      .map(() => 'json_extract(value, ?)')
      .join(', ')} from json_each(?) where true`;
    bindings.push(...columns.map(pathOf), document);
  }
  if (onConflict) {
    sql += ' on conflict (??) do ';
    bindings.push(onConflict.key);
    if ('ignore' in onConflict) {
      sql += 'nothing';
    } else {
      const merged =
        onConflict.merge ?? columns.filter(c => !onConflict.key.includes(c));
      sql += `update set ${merged.map(() => '?? = excluded.??').join(', ')}`;
      bindings.push(...merged.flatMap(column => [column, column]));
    }
  }
  await db.raw(sql, bindings as Knex.RawBinding[]);
}

/** A SQLite JSON path naming one top-level key. */
function pathOf(column: string): string {
  return `$."${column}"`;
}
