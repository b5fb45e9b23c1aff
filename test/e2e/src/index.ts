export { ensureAppBuild } from './appBuild';
export { startDemoBackend } from './demoBackend';
export type { DemoBackend } from './demoBackend';
