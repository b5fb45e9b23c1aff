import { Entity } from '@backstage/catalog-model';
import {
  EntityImageAutomation,
  ImageState,
  ImageStatus,
  OverviewEntry,
} from '@image-automation/plugin-image-automation-common';
import { ImageAutomationApi } from '../api';

/** An entity of the demo catalog, with the given annotations. */
export function entityWith(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments-api', namespace: 'default', annotations },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

export const AUTOMATED_ENTITY = entityWith({
  'image-automation/image': 'ghcr.io/acme/payments-api',
  'image-automation/policy': 'semver: >=1.4.0 <2.0.0',
});

export const ENTITY_REF = 'component:default/payments-api';

export function image(overrides: Partial<ImageStatus>): ImageStatus {
  return {
    name: 'payments-api',
    image: 'ghcr.io/acme/payments-api',
    policy: 'semver >=1.4.0 <2.0.0',
    state: 'up-to-date',
    currentTag: '1.4.2',
    currentSource: { file: 'deploy/prod/deployment.yaml', line: 21 },
    latestTag: '1.4.2',
    versionsBehind: 0,
    lastScanAt: new Date(Date.now() - 5 * 60 * 1000).toISOString(),
    ...overrides,
  };
}

export function automation(
  overrides: Partial<EntityImageAutomation>,
): EntityImageAutomation {
  return {
    entityRef: ENTITY_REF,
    mode: 'pull-request',
    repository: 'https://github.com/acme/payments',
    images: [image({})],
    configProblems: [],
    ...overrides,
  };
}

export function overviewEntry(
  overrides: Omit<Partial<OverviewEntry>, 'counts'> & {
    counts?: Partial<Record<ImageState, number>>;
  },
): OverviewEntry {
  const { counts, ...rest } = overrides;
  return {
    entityRef: 'component:default/payments-api',
    mode: 'pull-request',
    owner: 'group:default/team-a',
    system: 'system:default/payments',
    images: ['ghcr.io/acme/payments-api'],
    registries: ['ghcr.io'],
    imagesBehind: 0,
    openPullRequests: [],
    errors: 0,
    ...rest,
    counts: {
      'up-to-date': 0,
      'update-available': 0,
      'pr-open': 0,
      error: 0,
      pending: 0,
      ...counts,
    },
  };
}

/** An API whose every method fails unless the test gives it an answer. */
export function mockImageAutomationApi(
  implementation: Partial<ImageAutomationApi>,
) {
  const unexpected = (method: string) => async (): Promise<never> => {
    throw new Error(`unexpected call to ${method}`);
  };
  return {
    getEntity: jest.fn(implementation.getEntity ?? unexpected('getEntity')),
    refreshEntity: jest.fn(
      implementation.refreshEntity ?? unexpected('refreshEntity'),
    ),
    getHistory: jest.fn(
      implementation.getHistory ??
        (async () => ({ items: [], totalItems: 0, offset: 0, limit: 20 })),
    ),
    getOverview: jest.fn(
      implementation.getOverview ?? unexpected('getOverview'),
    ),
  };
}

/** A failed response as the backend sends it, wrapped as the client throws it. */
export async function responseError(
  statusCode: number,
  name: string,
  message: string,
) {
  const { ResponseError } = await import('@backstage/errors');
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({ error: { name, message }, response: { statusCode } }),
      { status: statusCode, headers: { 'content-type': 'application/json' } },
    ),
  );
}

/**
 * Makes the next measured element report `width` pixels, as a browser's
 * ResizeObserver would; jsdom has none. Returns the undo.
 */
export function reportElementWidth(width: number): () => void {
  const original = (window as any).ResizeObserver;
  (window as any).ResizeObserver = class {
    constructor(private readonly callback: (entries: unknown[]) => void) {}
    observe() {
      this.callback([
        {
          contentRect: {
            x: 0,
            y: 0,
            width,
            height: 400,
            top: 0,
            left: 0,
            bottom: 400,
            right: width,
          },
        },
      ]);
    }
    disconnect() {}
    unobserve() {}
  };
  return () => {
    (window as any).ResizeObserver = original;
  };
}
