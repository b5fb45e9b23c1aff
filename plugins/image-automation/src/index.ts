/**
 * The image automation frontend plugin (legacy frontend system exports).
 * The new frontend system plugin is the default export of `./alpha`.
 *
 * @packageDocumentation
 */
export {
  imageAutomationPlugin,
  EntityImageAutomationCard,
  isImageAutomationAvailable,
} from './plugin';
