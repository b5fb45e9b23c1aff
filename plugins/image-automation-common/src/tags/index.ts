export { OCI_TAG_PATTERN, isValidTag, describeInvalidTag } from './ociTag';
export { FirstSeenTags } from './FirstSeenTags';
