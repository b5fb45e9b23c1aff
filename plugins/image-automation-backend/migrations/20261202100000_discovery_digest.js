// @ts-check

/**
 * One digest of what discovery found for an entity (its spec, mode,
 * repositories, problems…): a rediscovery compares digests instead of
 * reading every spec back, and a check can tell an entity it saw before
 * from a changed one. Rows without one are written in full on their next
 * sighting, which sets it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ia_entities', table => {
    table
      .string('discovery_digest', 64)
      .nullable()
      .comment('sha256 of the discovered columns, base64url');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ia_entities', table => {
    table.dropColumn('discovery_digest');
  });
};
