import {
  createComponentExtension,
  createPlugin,
} from '@backstage/core-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { hasImageAutomationAnnotations } from '@image-automation/plugin-image-automation-common';

/** The legacy frontend system plugin. @public */
export const imageAutomationPlugin = createPlugin({
  id: 'image-automation',
});

/** The entity card, for entity pages of the legacy frontend system. @public */
export const EntityImageAutomationCard = imageAutomationPlugin.provide(
  createComponentExtension({
    name: 'EntityImageAutomationCard',
    component: {
      lazy: () =>
        import('./components/EntityImageAutomationCard').then(
          m => m.EntityImageAutomationCard,
        ),
    },
  }),
);

/** For `EntitySwitch`: true when the entity asks for image automation. @public */
export function isImageAutomationAvailable(entity: Entity): boolean {
  return hasImageAutomationAnnotations(entity);
}
