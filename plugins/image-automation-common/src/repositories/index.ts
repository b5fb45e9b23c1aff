export * from './repositoryUrl';
