// @ts-check

/**
 * History is pruned by age (imageAutomation.history.retention) and paged per
 * entity newest first: an index for each.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ia_history', table => {
    table.index(['created_at'], 'ia_history_created_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ia_history', table => {
    table.dropIndex(['created_at'], 'ia_history_created_idx');
  });
};
