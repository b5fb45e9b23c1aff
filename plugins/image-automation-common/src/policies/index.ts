export type { SortOrder, ImagePolicySpec } from './ImagePolicySpec';
export { InvalidPolicyError } from './ImagePolicySpec';
export type {
  ExcludedTag,
  PolicyEvaluation,
  TagFacts,
  TagPolicy,
} from './TagPolicy';
export { buildTimeCandidates } from './buildTimeCandidates';
export { createTagPolicy } from './createTagPolicy';
export { validatePolicySpec } from './validatePolicySpec';
