export * from './repositoryUrl';
export * from './authorizeWriteBack';
