export type {
  FoundImage,
  ImageField,
  ImageTarget,
  ManifestChange,
  ManifestLocation,
  RewriteResult,
} from './types';
export { ManifestRewriteError } from './ManifestRewriteError';
export { MAX_MANIFEST_BYTES, MAX_ALIAS_EXPANSION_NODES } from './limits';
export { rewriteManifest } from './rewriteManifest';
export type { RewriteOptions } from './rewriteManifest';
export { findImages } from './findImages';
export { findCurrentTags } from './currentTags';
export type {
  CurrentTag,
  CurrentTagsOptions,
  ParsedManifest,
} from './currentTags';
export { summarizeChanges } from './summarizeChanges';
export type {
  FluxChange,
  FluxTemplateData,
  FluxUpdatedImage,
} from './summarizeChanges';
export { assertSafeRelativePath } from './assertSafeRelativePath';
export { applyToDirectory } from './applyToDirectory';
export type {
  DirectoryRewrite,
  DirectoryRewriteOptions,
  FileRewrite,
  SkippedFile,
} from './applyToDirectory';
