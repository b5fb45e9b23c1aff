import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { hasAutomationAnnotations } from '@image-automation/plugin-image-automation-common';
import UpdateIcon from '@material-ui/icons/Update';
import { ImageAutomationClient, imageAutomationApiRef } from './api';
import { rootRouteRef } from './routes';

/** The backend client. @alpha */
export const imageAutomationApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: imageAutomationApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new ImageAutomationClient(deps),
    }),
});

/** The entity card, on entities with any image-automation/ annotation (a misspelt one too, to report it). @alpha */
export const imageAutomationEntityCard = EntityCardBlueprint.make({
  name: 'image-automation',
  params: {
    filter: hasAutomationAnnotations,
    loader: () =>
      import('./components/EntityImageAutomationCard').then(m => (
        <m.EntityImageAutomationCard />
      )),
  },
});

/** The portal-wide overview page, with its navigation item. @alpha */
export const imageAutomationPage = PageBlueprint.make({
  params: {
    path: '/image-automation',
    routeRef: rootRouteRef,
    title: 'Image automation',
    icon: <UpdateIcon fontSize="inherit" />,
    loader: async () => {
      const [{ Content }, m] = await Promise.all([
        import('@backstage/core-components'),
        import('./components/ImageAutomationPage'),
      ]);
      return (
        <Content>
          <m.ImageAutomationOverview />
        </Content>
      );
    },
  },
});

/** The image automation plugin for the new frontend system. @alpha */
export default createFrontendPlugin({
  pluginId: 'image-automation',
  title: 'Image automation',
  icon: <UpdateIcon fontSize="inherit" />,
  extensions: [
    imageAutomationApi,
    imageAutomationEntityCard,
    imageAutomationPage,
  ],
  routes: { root: rootRouteRef },
});
