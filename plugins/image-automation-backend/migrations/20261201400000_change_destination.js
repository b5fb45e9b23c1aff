// @ts-check

/**
 * Where each change went: the kind of host a write-back reached (github,
 * gitlab or git), which names its change request (`#12`, `!12`) and tells
 * a pull request from a merge request. Rows written before are filled in
 * from the shape of their change request's URL where they have one; the
 * next write sets it on every row.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ia_write_backs', table => {
    table
      .string('host_kind', 16)
      .nullable()
      .comment('github | gitlab | git: the adapter that wrote');
  });
  await knex('ia_write_backs')
    .whereNull('host_kind')
    .where('pr_url', 'like', '%/-/merge_requests/%')
    .update({ host_kind: 'gitlab' });
  await knex('ia_write_backs')
    .whereNull('host_kind')
    .where('pr_url', 'like', '%/pull/%')
    .update({ host_kind: 'github' });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ia_write_backs', table => {
    table.dropColumn('host_kind');
  });
};
