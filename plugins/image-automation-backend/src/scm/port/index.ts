export * from './GitRepository';
export * from './GitHosts';
