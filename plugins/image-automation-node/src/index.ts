/**
 * Node engine of image automation: manifest rewriting, the registry client,
 * extension points for registry auth providers, and the `image-automation` CLI.
 *
 * @packageDocumentation
 */
export * from './rewriting';
export * from './registry';
export { runCli } from './cli/main';
