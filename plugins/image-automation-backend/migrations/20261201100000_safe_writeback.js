// @ts-check

/**
 * Safe write-back: what a person declined, where each write-back stands, a
 * token per lease acquisition, and the repository an entity file is
 * registered from (the default write authorization).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ia_write_backs', table => {
    table
      .string('record_state', 16)
      .nullable()
      .comment('open | declined | merged | closed-by-us | pushed');
    table.string('base_sha', 64).nullable();
    table
      .text('declined_tags')
      .nullable()
      .comment('JSON object: image name -> tag a person closed without merging');
    table.bigInteger('declined_at').nullable();
    table.text('note').nullable().comment('what the card says, in words');
  });
  await knex.schema.alterTable('ia_entities', table => {
    table
      .text('managed_by_repository')
      .nullable()
      .comment('the repository of backstage.io/managed-by-location');
  });
  await knex.schema.alterTable('ia_leases', table => {
    table
      .string('token', 64)
      .nullable()
      .comment('one random token per acquisition: a lease is never re-entrant');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ia_leases', table => {
    table.dropColumn('token');
  });
  await knex.schema.alterTable('ia_entities', table => {
    table.dropColumn('managed_by_repository');
  });
  await knex.schema.alterTable('ia_write_backs', table => {
    table.dropColumn('note');
    table.dropColumn('declined_at');
    table.dropColumn('declined_tags');
    table.dropColumn('base_sha');
    table.dropColumn('record_state');
  });
};
