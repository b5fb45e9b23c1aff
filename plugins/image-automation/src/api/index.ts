export { imageAutomationApiRef } from './ImageAutomationApi';
export type { ImageAutomationApi, OverviewQuery } from './ImageAutomationApi';
export { ImageAutomationClient } from './ImageAutomationClient';
