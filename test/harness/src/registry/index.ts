export { startRegistry } from './startRegistry';
export type {
  PushOptions,
  RegistryAuthMode,
  RegistryNotificationsEndpoint,
  StartRegistryOptions,
  StartedRegistry,
} from './startRegistry';
export { startPagingProxy } from './pagingProxy';
export type { PagingProxy } from './pagingProxy';
export { startFaultProxy } from './faultProxy';
export type { Fault, FaultProxy } from './faultProxy';
export { forward, startProxy } from './proxy';
export type { StartedProxy } from './proxy';
export { seedRegistryStorage } from './seedStorage';
export type { SeedStorageOptions } from './seedStorage';
export {
  buildImage,
  buildIndex,
  DOCKER_LIST,
  DOCKER_MANIFEST,
  OCI_INDEX,
  OCI_MANIFEST,
} from './images';
export type { ManifestFormat, Platform } from './images';
export { freePort } from './ports';
