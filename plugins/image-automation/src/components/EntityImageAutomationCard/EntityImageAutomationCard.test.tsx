import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { EntityImageAutomationCard } from './EntityImageAutomationCard';

function entityWith(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments-api', annotations },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

describe('EntityImageAutomationCard', () => {
  it("renders the entity's image annotations", async () => {
    await renderInTestApp(
      <EntityProvider
        entity={entityWith({
          'image-automation/image': 'docker.io/library/nginx',
          'image-automation/policy': 'semver: >=1.25.0 <2.0.0',
          'backstage.io/source-location': 'url:https://github.com/acme/x',
        })}
      >
        <EntityImageAutomationCard />
      </EntityProvider>,
    );

    expect(screen.getByText('docker.io/library/nginx')).toBeInTheDocument();
    expect(screen.getByText('semver: >=1.25.0 <2.0.0')).toBeInTheDocument();
    expect(screen.queryByText(/source-location/)).not.toBeInTheDocument();
  });

  it('shows a setup guide for an entity without annotations', async () => {
    await renderInTestApp(
      <EntityProvider entity={entityWith({})}>
        <EntityImageAutomationCard />
      </EntityProvider>,
    );

    expect(
      screen.getByText('No image automation for this entity'),
    ).toBeInTheDocument();
    expect(screen.getByText(/image-automation\/image: ghcr.io/)).toBeInTheDocument();
  });
});
