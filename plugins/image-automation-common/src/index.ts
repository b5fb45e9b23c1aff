/**
 * Pure, isomorphic building blocks shared by the image automation plugins.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './api';
export * from './permissions';
export * from './imageRef';
export * from './tags';
export * from './policies';
export * from './config';
export * from './decisions';
export * from './repositories';
export * from './overview';
