// @ts-check

/**
 * What digest pinning, newest-build ordering and push webhooks need to
 * remember between cycles:
 * - the digest each tag pointed to when last read;
 * - each digest's build time per platform, read from its image config once
 *   and never again (a digest's content cannot change);
 * - the last push event each image repository received, and whether the
 *   scan it asked for has run.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ia_tag_digests', table => {
    table.comment(
      'The manifest digest each tag pointed to when last read (HEAD, inspection or push event)',
    );
    table.string('repository', 512).notNullable();
    table.string('tag', 128).notNullable();
    table.string('digest', 100).notNullable();
    table.bigInteger('observed_at').notNullable();
    table.primary(['repository', 'tag']);
  });

  await knex.schema.createTable('ia_build_times', table => {
    table.comment(
      'The build time of each digest for one platform, from its image config, read once',
    );
    table.string('repository', 512).notNullable();
    table.string('digest', 100).notNullable();
    table.string('platform', 64).notNullable();
    table.bigInteger('created_at').nullable();
    table.text('problem').nullable().comment('why created_at is unknown');
    table.bigInteger('inspected_at').notNullable();
    table.primary(['repository', 'digest', 'platform']);
  });

  await knex.schema.createTable('ia_push_events', table => {
    table.comment(
      'The last registry push event per image repository, and whether its scan ran',
    );
    table.string('repository', 512).primary().notNullable();
    table.string('provider', 32).notNullable();
    table.string('tag', 128).nullable();
    table.string('digest', 100).nullable();
    table.bigInteger('received_at').notNullable();
    table.integer('event_count').notNullable().defaultTo(0);
    table
      .bigInteger('pending_since')
      .nullable()
      .comment(
        'set when an event arrives, cleared once a cycle scanned the repository',
      );
    table.bigInteger('last_push_scan_at').nullable();
    table.index(['pending_since'], 'ia_push_events_pending_idx');
  });

  await knex.schema.alterTable('ia_images', table => {
    table
      .string('digest', 100)
      .nullable()
      .comment('the digest Git pins or is to pin with latest_tag');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ia_images', table => {
    table.dropColumn('digest');
  });
  await knex.schema.dropTable('ia_push_events');
  await knex.schema.dropTable('ia_build_times');
  await knex.schema.dropTable('ia_tag_digests');
};
