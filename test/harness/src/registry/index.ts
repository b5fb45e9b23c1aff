export { startRegistry } from './startRegistry';
export type {
  PushOptions,
  RegistryAuthMode,
  StartRegistryOptions,
  StartedRegistry,
} from './startRegistry';
export { startPagingProxy } from './pagingProxy';
export type { PagingProxy } from './pagingProxy';
export { startFaultProxy } from './faultProxy';
export type { Fault, FaultProxy } from './faultProxy';
export { startProxy } from './proxy';
export type { StartedProxy } from './proxy';
export { seedRegistryStorage } from './seedStorage';
export type { SeedStorageOptions } from './seedStorage';
export { buildImage, buildIndex } from './images';
export { freePort } from './ports';
