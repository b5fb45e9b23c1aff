/**
 * Real services that tests start on 127.0.0.1 with free ports and stop again.
 *
 * @packageDocumentation
 */
export * from './registry';
export * from './github';
export * from './gitlab';
export * from './gitserver';
