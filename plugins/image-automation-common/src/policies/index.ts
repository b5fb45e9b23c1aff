export type { SortOrder, ImagePolicySpec } from './ImagePolicySpec';
export { InvalidPolicyError } from './ImagePolicySpec';
export type {
  ExcludedTag,
  PolicyEvaluation,
  TagFacts,
  TagPolicy,
} from './TagPolicy';
export { createTagPolicy } from './createTagPolicy';
export { validatePolicySpec } from './validatePolicySpec';
