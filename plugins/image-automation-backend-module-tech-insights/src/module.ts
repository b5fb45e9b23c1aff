import { createBackendModule } from '@backstage/backend-plugin-api';
import { techInsightsFactRetrieversExtensionPoint } from '@backstage-community/plugin-tech-insights-node';
import { imageAutomationFactRetriever } from './imageAutomationFactRetriever';

/**
 * Adds the image automation fact retriever to Tech Insights. Schedule it
 * under `techInsights.factRetrievers.image-automation-fact-retriever`.
 * @public
 */
export const techInsightsModuleImageAutomation = createBackendModule({
  pluginId: 'tech-insights',
  moduleId: 'image-automation',
  register(env) {
    env.registerInit({
      deps: { providers: techInsightsFactRetrieversExtensionPoint },
      async init({ providers }) {
        providers.addFactRetrievers({
          [imageAutomationFactRetriever.id]: imageAutomationFactRetriever,
        });
      },
    });
  },
});
