// @ts-check

/**
 * History is pruned by age (imageAutomation.history.retention): an index on
 * its time. Notifications to owners are sent once per event, whichever
 * replica notices it: a table of those sent, and of how many cycles in a row
 * an entity has been in error.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ia_history', table => {
    table.index(['created_at'], 'ia_history_created_idx');
  });

  await knex.schema.createTable('ia_notifications_sent', table => {
    table.comment('Notifications sent to owners; the key makes each one once');
    table.string('entity_ref', 255).notNullable();
    table.string('kind', 32).notNullable();
    table.string('event_key', 255).notNullable();
    table.bigInteger('sent_at').notNullable();
    table.primary(['entity_ref', 'kind', 'event_key']);
  });

  await knex.schema.createTable('ia_error_streaks', table => {
    table.comment('How many checks in a row an entity has been in error');
    table.string('entity_ref', 255).primary().notNullable();
    table.integer('cycles').notNullable();
    table
      .bigInteger('started_at')
      .nullable()
      .comment('the first failing check of this streak');
    table.bigInteger('last_checked_at').notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ia_error_streaks');
  await knex.schema.dropTable('ia_notifications_sent');
  await knex.schema.alterTable('ia_history', table => {
    table.dropIndex(['created_at'], 'ia_history_created_idx');
  });
};
