import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { hasImageAutomationAnnotations } from '@image-automation/plugin-image-automation-common';

/** The entity card for the new frontend system. @alpha */
export const imageAutomationEntityCard = EntityCardBlueprint.make({
  name: 'image-automation',
  params: {
    filter: hasImageAutomationAnnotations,
    loader: () =>
      import('./components/EntityImageAutomationCard').then(m => (
        <m.EntityImageAutomationCard />
      )),
  },
});

/** The image automation plugin for the new frontend system. @alpha */
export default createFrontendPlugin({
  pluginId: 'image-automation',
  extensions: [imageAutomationEntityCard],
});
