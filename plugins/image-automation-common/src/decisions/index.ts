export { compareTags, decideImageUpdate } from './decideImageUpdate';
export type { Decision, DecisionInput, ListedTags } from './decideImageUpdate';
