// @ts-check

/**
 * The commit a write-back is about to point its branch at, recorded before
 * the move: a replica that dies between moving the branch and recording it
 * leaves a head the next cycle still knows as its own.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ia_write_backs', table => {
    table.string('pending_commit_sha', 64).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ia_write_backs', table => {
    table.dropColumn('pending_commit_sha');
  });
};
