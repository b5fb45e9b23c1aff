export { decideImageUpdate } from './decideImageUpdate';
export type { Decision, DecisionInput, ListedTags } from './decideImageUpdate';
