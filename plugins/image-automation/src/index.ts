/**
 * The image automation frontend plugin (legacy frontend system exports).
 * The new frontend system plugin is the default export of `./alpha`.
 *
 * @packageDocumentation
 */
export {
  imageAutomationPlugin,
  EntityImageAutomationCard,
  ImageAutomationPage,
  isImageAutomationAvailable,
} from './plugin';
export { rootRouteRef } from './routes';
export { imageAutomationApiRef, ImageAutomationClient } from './api';
export type { ImageAutomationApi, OverviewQuery } from './api';
