export { ImageAutomationOverview } from './ImageAutomationOverview';
export { ImageAutomationPage } from './ImageAutomationPage';
