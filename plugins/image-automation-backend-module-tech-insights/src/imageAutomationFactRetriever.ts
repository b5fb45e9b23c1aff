import { parseEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import type {
  FactRetriever,
  FactRetrieverContext,
} from '@backstage-community/plugin-tech-insights-node';
import type { OverviewResponse } from '@image-automation/plugin-image-automation-common';
import { factsOf } from './factsOf';

const PAGE_SIZE = 500;

/**
 * Tech Insights facts for every entity the image automation backend knows,
 * read from its overview endpoint a page at a time with this plugin's own
 * service credentials.
 * @public
 */
export const imageAutomationFactRetriever: FactRetriever = {
  id: 'image-automation-fact-retriever',
  version: '0.1.0',
  title: 'Image automation',
  description:
    'How far behind their policies the container images of each automated entity are',
  schema: {
    imagesBehind: {
      type: 'integer',
      description: 'Images with a newer allowed tag than Git holds',
    },
    oldestPendingUpdateDays: {
      type: 'float',
      description:
        'Days the oldest pending update has waited (0 when none waits)',
    },
    errors: {
      type: 'integer',
      description: 'Images in error, plus one for configuration problems',
    },
    mode: {
      type: 'string',
      description:
        'How updates are written back: pull-request, push or observe',
    },
  },
  async handler(context: FactRetrieverContext) {
    const { discovery, auth } = context;
    const baseUrl = await discovery.getBaseUrl('image-automation');
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'image-automation',
    });
    const now = Date.now();
    const facts = [];
    // Paged by what each answer holds: the backend may cap the page size.
    for (let offset = 0; ; ) {
      const response = await fetch(
        `${baseUrl}/overview?limit=${PAGE_SIZE}&offset=${offset}`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      if (!response.ok) throw await ResponseError.fromResponse(response);
      const page = (await response.json()) as OverviewResponse;
      for (const entry of page.items) {
        const { kind, namespace, name } = parseEntityRef(entry.entityRef);
        facts.push({
          entity: { kind, namespace, name },
          facts: factsOf(entry, now),
        });
      }
      offset += page.items.length;
      if (!page.items.length || offset >= page.totalItems) break;
    }
    return facts;
  },
};
