import { startTestBackend } from '@backstage/backend-test-utils';
import { techInsightsFactRetrieversExtensionPoint } from '@backstage-community/plugin-tech-insights-node';
import { imageAutomationFactRetriever } from './imageAutomationFactRetriever';
import { techInsightsModuleImageAutomation } from './module';

describe('techInsightsModuleImageAutomation', () => {
  it('adds the image automation fact retriever to Tech Insights', async () => {
    const addFactRetrievers = jest.fn();
    await startTestBackend({
      extensionPoints: [
        [techInsightsFactRetrieversExtensionPoint, { addFactRetrievers }],
      ],
      features: [techInsightsModuleImageAutomation],
    });
    expect(addFactRetrievers).toHaveBeenCalledWith({
      'image-automation-fact-retriever': imageAutomationFactRetriever,
    });
  });
});
