/**
 * Tech Insights facts from image automation, for scorecards such as "no
 * image more than 14 days behind".
 *
 * @packageDocumentation
 */
export { techInsightsModuleImageAutomation as default } from './module';
export { imageAutomationFactRetriever } from './imageAutomationFactRetriever';
export { factsOf } from './factsOf';
export type { ImageAutomationFacts } from './factsOf';
