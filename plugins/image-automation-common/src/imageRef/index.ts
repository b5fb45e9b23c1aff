export type { ImageReference } from './ImageReference';
export { InvalidImageReferenceError } from './ImageReference';
export {
  parseImageReference,
  NAME_TOTAL_LENGTH_MAX,
} from './parseImageReference';
export { formatImageReference, repositoryOf } from './formatImageReference';
export type { ImagePlatform } from './platform';
export { DEFAULT_PLATFORM, formatPlatform, parsePlatform } from './platform';
