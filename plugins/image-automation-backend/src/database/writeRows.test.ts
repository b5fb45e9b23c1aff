import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { writeRows } from './writeRows';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** A table with each kind of column the store writes: text, integers, an id sequence. */
async function createTable(knex: Knex) {
  await knex.schema.createTable('t_rows', table => {
    table.increments('id');
    table.text('name').notNullable();
    table.text('kind').notNullable();
    table.text('note').nullable();
    table.integer('count').nullable();
    table.bigInteger('at').notNullable();
    table.unique(['name', 'kind']);
  });
}

async function readAll(knex: Knex) {
  const rows = await knex('t_rows').orderBy('id');
  // knex returns bigint columns as strings on PostgreSQL.
  return rows.map(({ id: _, ...row }) => ({ ...row, at: Number(row.at) }));
}

describe.each(databases.eachSupportedId())('writeRows on %s', databaseId => {
  let knex: Knex;
  beforeEach(async () => {
    knex = await databases.init(databaseId);
    await createTable(knex);
  });

  it('stores every value as its column holds it, in the order given', async () => {
    const rows = [
      { name: 'b', kind: 'x', note: '42', count: 0, at: 1_764_000_000_123 },
      { name: 'a', kind: 'x', note: null, count: null, at: 1 },
      {
        name: 'ä "quoted" \\ back\nline ✓ 🚢',
        kind: "it's",
        note: '{"json":"as text"}',
        count: 2_147_483_647,
        at: Number.MAX_SAFE_INTEGER,
      },
    ];
    await writeRows(knex, 't_rows', rows);
    expect(await readAll(knex)).toEqual(rows);
    // The text that looks like a number stays text.
    expect((await readAll(knex))[0].note).toBe('42');
  });

  it('on conflict, sets only the merged columns of the stored row', async () => {
    await writeRows(knex, 't_rows', [
      { name: 'a', kind: 'x', note: 'kept', count: 1, at: 1 },
    ]);
    await writeRows(
      knex,
      't_rows',
      [
        { name: 'a', kind: 'x', note: 'replaced', count: 2, at: 2 },
        { name: 'b', kind: 'x', note: 'new', count: 3, at: 3 },
      ],
      { key: ['name', 'kind'], merge: ['count', 'at'] },
    );
    expect(await readAll(knex)).toEqual([
      { name: 'a', kind: 'x', note: 'kept', count: 2, at: 2 },
      { name: 'b', kind: 'x', note: 'new', count: 3, at: 3 },
    ]);
  });

  it('on conflict without merge columns, sets every column but the key', async () => {
    await writeRows(knex, 't_rows', [
      { name: 'a', kind: 'x', note: 'old', count: 1, at: 1 },
    ]);
    await writeRows(
      knex,
      't_rows',
      [{ name: 'a', kind: 'x', note: 'new', count: 2, at: 2 }],
      { key: ['name', 'kind'] },
    );
    expect(await readAll(knex)).toEqual([
      { name: 'a', kind: 'x', note: 'new', count: 2, at: 2 },
    ]);
  });

  it('on conflict with ignore, keeps the stored row', async () => {
    await writeRows(knex, 't_rows', [
      { name: 'a', kind: 'x', note: 'first', count: 1, at: 1 },
    ]);
    await writeRows(
      knex,
      't_rows',
      [
        { name: 'a', kind: 'x', note: 'second', count: 2, at: 2 },
        { name: 'a', kind: 'y', note: 'other kind', count: 3, at: 3 },
      ],
      { key: ['name', 'kind'], ignore: true },
    );
    expect(await readAll(knex)).toEqual([
      { name: 'a', kind: 'x', note: 'first', count: 1, at: 1 },
      { name: 'a', kind: 'y', note: 'other kind', count: 3, at: 3 },
    ]);
  });

  it('without onConflict, a duplicate key fails the whole statement', async () => {
    await writeRows(knex, 't_rows', [
      { name: 'a', kind: 'x', note: null, count: null, at: 1 },
    ]);
    await expect(
      writeRows(knex, 't_rows', [
        { name: 'b', kind: 'x', note: null, count: null, at: 2 },
        { name: 'a', kind: 'x', note: null, count: null, at: 3 },
      ]),
    ).rejects.toThrow();
    expect(await readAll(knex)).toHaveLength(1);
  });

  it('refuses rows whose columns differ before writing any, and writes nothing for none', async () => {
    await expect(
      writeRows(knex, 't_rows', [
        { name: 'a', kind: 'x', note: null, count: null, at: 1 },
        { name: 'b', kind: 'x', count: null, at: 2 },
      ]),
    ).rejects.toThrow(
      'Rows for t_rows must all have the columns name, kind, note, count, at; one has name, kind, count, at',
    );
    await writeRows(knex, 't_rows', []);
    expect(await readAll(knex)).toEqual([]);
  });
});
