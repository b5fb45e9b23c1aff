/**
 * Node engine of image automation: manifest rewriting, the registry client,
 * extension points for registry auth providers, the HTTP transport the
 * plugin's clients share, and the `image-automation` CLI.
 *
 * @packageDocumentation
 */
export * from './rewriting';
export * from './registry';
export * from './http';
export { runCli } from './cli/main';
