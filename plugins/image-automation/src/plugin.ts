import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { hasAutomationAnnotations } from '@image-automation/plugin-image-automation-common';
import { ImageAutomationClient, imageAutomationApiRef } from './api';
import { rootRouteRef } from './routes';

/** The legacy frontend system plugin. @public */
export const imageAutomationPlugin = createPlugin({
  id: 'image-automation',
  apis: [
    createApiFactory({
      api: imageAutomationApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new ImageAutomationClient(deps),
    }),
  ],
  routes: { root: rootRouteRef },
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

/** The portal-wide overview page, for the legacy frontend system's routes. @public */
export const ImageAutomationPage = imageAutomationPlugin.provide(
  createRoutableExtension({
    name: 'ImageAutomationPage',
    component: () =>
      import('./components/ImageAutomationPage').then(
        m => m.ImageAutomationPage,
      ),
    mountPoint: rootRouteRef,
  }),
);

/** For `EntitySwitch`: true when the entity has any image-automation/ annotation, a misspelt one too, so the card can report it. @public */
export function isImageAutomationAvailable(entity: Entity): boolean {
  return hasAutomationAnnotations(entity);
}
