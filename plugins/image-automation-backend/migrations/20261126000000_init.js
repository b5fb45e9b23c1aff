// @ts-check

/**
 * The plugin's state: one row per entity, per image of an entity, per image
 * repository scanned, per write-back branch, and an append-only history.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ia_entities', table => {
    table.comment('Catalog entities that ask for image automation');
    table.string('entity_ref', 255).primary().notNullable();
    table.string('title', 255).nullable();
    table.string('owner', 255).nullable();
    table.string('system', 255).nullable();
    table.string('mode', 32).notNullable();
    table.text('git_repository').nullable();
    table.text('spec').nullable().comment('AutomationSpec as JSON');
    table
      .text('config_problems')
      .notNullable()
      .comment('ConfigProblem[] as JSON');
    table.bigInteger('interval_ms').nullable();
    table.bigInteger('next_due_at').notNullable().defaultTo(0);
    table.bigInteger('refresh_requested_at').nullable();
    table.bigInteger('last_checked_at').nullable();
    table
      .bigInteger('last_seen_at')
      .notNullable()
      .comment('last cycle that found it in the catalog');
  });

  await knex.schema.createTable('ia_images', table => {
    table.comment('One image of one entity and where it stands');
    table.string('entity_ref', 255).notNullable();
    table.string('image_name', 255).notNullable();
    table
      .string('repository', 512)
      .notNullable()
      .comment('registry/path, the scan key');
    table.text('image').notNullable().comment('as written by the user');
    table.text('policy').notNullable().comment('the policy in words');
    table.string('state', 32).notNullable();
    table.string('current_tag', 255).nullable();
    table.text('current_file').nullable();
    table.integer('current_line').nullable();
    table.string('latest_tag', 255).nullable();
    table.integer('versions_behind').nullable();
    table.bigInteger('pending_since').nullable();
    table.text('message').nullable();
    table.string('error_kind', 64).nullable();
    table.text('error_message').nullable();
    table.bigInteger('updated_at').notNullable();
    table.primary(['entity_ref', 'image_name']);
    table.index(['repository'], 'ia_images_repository_idx');
  });

  await knex.schema.createTable('ia_repositories', table => {
    table.comment(
      'Image repositories and the tags last listed, with first-seen times',
    );
    table.string('repository', 512).primary().notNullable();
    table
      .text('tags', 'longtext')
      .nullable()
      .comment('JSON object: tag -> first seen (epoch ms)');
    table.integer('tag_count').notNullable().defaultTo(0);
    table.bigInteger('last_scan_at').nullable();
    table.bigInteger('last_success_at').nullable();
    table.string('last_error_kind', 64).nullable();
    table.text('last_error_message').nullable();
    table.integer('consecutive_failures').notNullable().defaultTo(0);
    table.bigInteger('backoff_until').nullable();
  });

  await knex.schema.createTable('ia_write_backs', table => {
    table.comment(
      'The branch and pull request the plugin maintains per entity',
    );
    table.string('entity_ref', 255).primary().notNullable();
    table.text('git_repository').notNullable();
    table.string('branch', 255).notNullable();
    table.integer('pr_number').nullable();
    table.text('pr_url').nullable();
    table.string('pr_state', 16).nullable();
    table
      .text('target_tags')
      .nullable()
      .comment('JSON object: image name -> tag');
    table.string('last_commit_sha', 64).nullable();
    table.string('error_kind', 64).nullable();
    table.text('error_message').nullable();
    table.bigInteger('updated_at').notNullable();
  });

  await knex.schema.createTable('ia_leases', table => {
    table.comment(
      'Short-lived locks that keep replicas from writing the same branch',
    );
    table.string('lease_key', 767).primary().notNullable();
    table.string('owner', 255).notNullable();
    table.bigInteger('until').notNullable();
  });

  await knex.schema.createTable('ia_history', table => {
    table.comment('Append-only record of decisions and writes');
    table.bigIncrements('id').primary();
    table.string('entity_ref', 255).notNullable();
    table.string('image_name', 255).nullable();
    table.string('event', 32).notNullable();
    table.string('from_tag', 255).nullable();
    table.string('to_tag', 255).nullable();
    table.integer('pr_number').nullable();
    table.string('commit_sha', 64).nullable();
    table.text('detail').nullable();
    table.bigInteger('created_at').notNullable();
    table.index(['entity_ref', 'created_at'], 'ia_history_entity_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ia_history');
  await knex.schema.dropTable('ia_leases');
  await knex.schema.dropTable('ia_write_backs');
  await knex.schema.dropTable('ia_repositories');
  await knex.schema.dropTable('ia_images');
  await knex.schema.dropTable('ia_entities');
};
