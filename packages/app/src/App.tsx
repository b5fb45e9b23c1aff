import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import signalsPlugin from '@backstage/plugin-signals/alpha';
import userSettingsPlugin from '@backstage/plugin-user-settings/alpha';
import imageAutomationPlugin from '@image-automation/plugin-image-automation/alpha';
import { navModule } from './modules/nav';

export default createApp({
  // Signals: the image automation card reloads when its entity's status changes.
  features: [
    catalogPlugin,
    signalsPlugin,
    userSettingsPlugin,
    imageAutomationPlugin,
    navModule,
  ],
});
