import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CatalogDiscovery } from './CatalogDiscovery';

function component(index: number, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `svc-${String(index).padStart(4, '0')}`,
      namespace: 'default',
      annotations,
    },
    spec: { type: 'service', owner: 'group:default/team-a' },
  };
}

describe('CatalogDiscovery', () => {
  it('describes every automated entity of every page, in catalog order; a broken one costs only itself', async () => {
    // Three pages of 500: the last one partly full.
    const entities = Array.from({ length: 1201 }, (_, i) =>
      component(i, {
        'image-automation/image':
          i === 700 ? 'not a valid image reference' : `ghcr.io/acme/app-${i}`,
        'image-automation/policy': 'semver: ^1.0.0',
        'image-automation/files': 'deploy/deployment.yaml',
        'backstage.io/source-location':
          'url:https://github.com/acme/deploy/tree/main/',
        'backstage.io/managed-by-location':
          'url:https://github.com/acme/deploy/blob/main/catalog-info.yaml',
      }),
    );
    const catalog = catalogServiceMock({
      entities: [
        ...entities,
        component(9999, { 'backstage.io/techdocs-ref': 'dir:.' }),
      ],
    });
    const queried = jest.spyOn(catalog, 'queryEntities');
    const discovery = new CatalogDiscovery({
      catalog,
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
    });

    const found = await discovery.discoverAll(42);

    expect(queried.mock.calls.length).toBeGreaterThanOrEqual(3);
    expect(found.map(e => e.entityRef)).toEqual(
      entities.map(e => `component:default/${e.metadata.name}`),
    );
    expect(found.every(e => e.lastSeenAt === 42)).toBe(true);
    expect(found[0].spec?.images).toHaveLength(1);
    expect(found[1200].spec?.images).toHaveLength(1);
    expect(found[700].configProblems).toEqual([
      expect.objectContaining({ key: 'image-automation/image' }),
    ]);
    expect(found.filter(e => e.configProblems.length)).toHaveLength(1);
  });
});
