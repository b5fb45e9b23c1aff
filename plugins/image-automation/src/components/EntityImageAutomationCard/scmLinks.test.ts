import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { entityWith } from '../../testing/fixtures';
import { scmLinksFor } from './scmLinks';

const integrations = ScmIntegrations.fromConfig(
  new ConfigReader({
    integrations: {
      github: [{ host: 'github.com' }],
      gitlab: [
        {
          host: 'gitlab.example.com',
          apiBaseUrl: 'https://gitlab.example.com/api/v4',
        },
      ],
    },
  }),
);

describe('scmLinksFor', () => {
  it("links a file at the branch of the entity's own location in the same repository", () => {
    const entity = entityWith({
      'backstage.io/managed-by-location':
        'url:https://github.com/acme/payments/blob/release/catalog/catalog-info.yaml',
    });
    const links = scmLinksFor(
      'https://github.com/acme/payments',
      entity,
      integrations,
    );
    expect(links.repositoryUrl).toBe('https://github.com/acme/payments');
    expect(links.fileUrl('deploy/prod/deployment.yaml', 21)).toBe(
      'https://github.com/acme/payments/tree/release/deploy/prod/deployment.yaml#L21',
    );
  });

  it("uses the host's default branch when the entity lives elsewhere (GitHub's tree URLs open files too)", () => {
    const links = scmLinksFor(
      'https://github.com/acme/payments.git',
      entityWith({}),
      integrations,
    );
    expect(links.repositoryUrl).toBe('https://github.com/acme/payments');
    expect(links.fileUrl('deploy/app.yaml', 3)).toBe(
      'https://github.com/acme/payments/tree/HEAD/deploy/app.yaml#L3',
    );
  });

  it('builds GitLab links in GitLab’s shape', () => {
    const links = scmLinksFor(
      'https://gitlab.example.com/acme/payments',
      entityWith({}),
      integrations,
    );
    expect(links.fileUrl('deploy/app.yaml', 3)).toBe(
      'https://gitlab.example.com/acme/payments/-/blob/HEAD/deploy/app.yaml#L3',
    );
  });

  it('links nothing on a host no integration knows, or an ssh URL', () => {
    for (const repository of [
      'https://git.unknown.example/acme/x',
      'git@github.com:acme/x.git',
      undefined,
    ]) {
      const links = scmLinksFor(repository, entityWith({}), integrations);
      expect(links.repositoryUrl).toBeUndefined();
      expect(links.fileUrl('a.yaml', 1)).toBeUndefined();
    }
  });
});
