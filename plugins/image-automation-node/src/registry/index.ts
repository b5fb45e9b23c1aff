export { RegistryClient } from './RegistryClient';
export type {
  ImageInspection,
  InspectOptions,
  RegistryClientOptions,
  RegistryClientStats,
  RegistryImage,
  TagList,
} from './RegistryClient';
export type { RegistryRequestEvent } from './http/RegistryHttp';
export { readRegistriesConfig } from './config';
export type { RegistryConfigEntry, RegistryType } from './config';
export * from './errors';
export type {
  RegistryCredentials,
  RegistryCredentialsProvider,
} from './auth/credentials';
export { imageAutomationRegistryAuthExtensionPoint } from './extensionPoint';
export type { ImageAutomationRegistryAuthExtensionPoint } from './extensionPoint';
export { EcrCredentialsProvider } from './providers/EcrCredentialsProvider';
export { DEFAULT_ALLOWED_HOSTS } from './guard/HostGuard';
