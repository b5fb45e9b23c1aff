export { compareTags, decideImageUpdate } from './decideImageUpdate';
export type { Decision, DecisionInput, ListedTags } from './decideImageUpdate';
export {
  decideDigest,
  effectiveReflection,
  planDigestLookup,
  shortDigest,
} from './decideDigest';
export type {
  DigestDecision,
  DigestLookup,
  DigestSituation,
} from './decideDigest';
