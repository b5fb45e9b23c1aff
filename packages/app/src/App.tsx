import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import userSettingsPlugin from '@backstage/plugin-user-settings/alpha';
import imageAutomationPlugin from '@image-automation/plugin-image-automation/alpha';
import { navModule } from './modules/nav';

export default createApp({
  features: [catalogPlugin, userSettingsPlugin, imageAutomationPlugin, navModule],
});
