import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../main';
import { lintVerb } from './lint';
import { component } from '../__testUtils__/catalogInfo';
import { REPO_ROOT, captureIo } from '../__testUtils__/cliIo';

const VALID = {
  'backstage.io/source-location':
    'url:https://github.com/acme/payments/tree/main/',
  'image-automation/image': 'ghcr.io/acme/payments-api',
  'image-automation/policy': 'semver: >=1.4.0 <2.0.0',
  'image-automation/files': 'deploy/prod/deployment.yaml',
};

describe('image-automation lint', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lint-verb-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function lint(
    files: Record<string, string>,
    args = Object.keys(files),
  ) {
    for (const [name, text] of Object.entries(files)) {
      await mkdir(join(dir, name, '..'), { recursive: true });
      await writeFile(join(dir, name), text);
    }
    const io = captureIo(dir);
    const code = await lintVerb.run(args, io);
    return { code, out: io.out, err: io.err };
  }

  it('lints the repository examples clean', async () => {
    const io = captureIo(REPO_ROOT);
    expect(await main(['lint', 'examples/entities.yaml'], io)).toBe(0);
    expect(io.out).toBe('3 entities checked, all valid\n');
    expect(io.err).toBe('');
  });

  it('passes a valid entity with exit 0 and a summary', async () => {
    const result = await lint({
      'catalog-info.yaml': component('payments-api', VALID),
    });
    expect(result).toEqual({
      code: 0,
      out: '1 entity checked, all valid\n',
      err: '',
    });
  });

  it('prints one file: key: message line per problem and exits 1', async () => {
    const result = await lint({
      'catalog-info.yaml': component('payments-api', {
        ...VALID,
        'image-automation/image': 'ghcr.io/acme/payments-api:1.4.2',
        'image-automation/polcy': 'x',
        'image-automation/files':
          'deploy/prod/deployment.yaml, ../secrets.yaml',
      }),
    });
    expect(result.code).toBe(1);
    expect(result.err).toBe('');
    expect(result.out.split('\n')).toEqual([
      'catalog-info.yaml: image-automation/polcy: unknown annotation; did you mean image-automation/policy? (example: image-automation/policy: "semver: >=1.4.0 <2.0.0")',
      'catalog-info.yaml: image-automation/image: "ghcr.io/acme/payments-api:1.4.2" names the tag "1.4.2"; leave the tag out, the policy chooses it (example: image-automation/image: ghcr.io/acme/payments-api)',
      'catalog-info.yaml: image-automation/files: "../secrets.yaml" leaves the repository with ".." (example: image-automation/files: deploy/prod/deployment.yaml, deploy/prod/values.yaml)',
      '1 entity checked, 3 problems in 1 entity',
      '',
    ]);
  });

  it('names the entity when a file holds several, and skips entities without annotations', async () => {
    const text = [
      component('api', VALID),
      component('worker', { ...VALID, 'image-automation/mode': 'pr' }),
      'apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata: { name: shop }\nspec: { owner: team-a }\n',
      component('db', { ...VALID, 'image-automation/minimum-age': '2 days' }),
    ].join('---\n');
    const result = await lint({ 'all.yaml': text });
    expect(result.code).toBe(1);
    const lines = result.out.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^all\.yaml: image-automation\/mode: unknown mode "pr";.* \[component:default\/worker\]$/,
    );
    expect(lines[1]).toMatch(
      /^all\.yaml: image-automation\/minimum-age: Invalid duration "2 days".* \[component:default\/db\]$/,
    );
    expect(lines[2]).toBe('3 entities checked, 2 problems in 2 entities');
  });

  it('checks the inline full form, keyed by field path', async () => {
    const result = await lint({
      'catalog-info.yaml': component('payments', {
        'github.com/project-slug': 'acme/payments',
        'image-automation/config': [
          'images:',
          '  - name: api',
          '    image: ghcr.io/acme/api',
          '    policy: { semver: { range: "1.x" } }',
          '    files: [a.yaml]',
          '  - name: worker',
          '    image: ghcr.io/acme/worker',
          '    policy: { numerical: { order: up } }',
          '    files: [b.yaml]',
          '',
        ].join('\n'),
      }),
    });
    expect(result.code).toBe(1);
    expect(result.out).toMatch(
      /^catalog-info\.yaml: image-automation\/config: images\[1\]\.policy: Invalid policy: unknown numerical\.order "up" \(use "asc" or "desc"\) \(example: policy: /,
    );
  });

  it('checks a config file beside the catalog file, keyed by its path', async () => {
    const files = {
      'svc/catalog-info.yaml': component('payments', {
        'github.com/project-slug': 'acme/payments',
        'image-automation/config': './.backstage/image-automation.yaml',
      }),
      'svc/.backstage/image-automation.yaml':
        'images:\n  - name: api\n    image: ghcr.io/acme/api\n    polcy: { semver: { range: "1.x" } }\n    files: [a.yaml]\n',
    };
    const result = await lint(files, ['svc/catalog-info.yaml']);
    expect(result.code).toBe(1);
    expect(result.out.split('\n').slice(0, 2)).toEqual([
      'svc/catalog-info.yaml: .backstage/image-automation.yaml: images[0].polcy: unknown key "polcy"; did you mean "policy"? (example: policy: { semver: { range: ">=1.4.0 <2.0.0" } })',
      'svc/catalog-info.yaml: .backstage/image-automation.yaml: images[0].policy: the policy is missing: say which tags may be deployed (example: policy: { semver: { range: ">=1.4.0 <2.0.0" } })',
    ]);
  });

  it('passes a valid config file beside the catalog file', async () => {
    const result = await lint(
      {
        'catalog-info.yaml': component('payments', {
          'github.com/project-slug': 'acme/payments',
          'image-automation/config': '/automation.yml',
        }),
        'automation.yml':
          'images: [{ name: api, image: ghcr.io/acme/api, policy: { semver: { range: "1.x" } }, files: [a.yaml] }]\n',
      },
      ['catalog-info.yaml'],
    );
    expect(result).toEqual({
      code: 0,
      out: '1 entity checked, all valid\n',
      err: '',
    });
  });

  it.each([
    ['ssh://git@git.internal:2222/team/app.git', 0, ''],
    ['git@git.internal:team/app.git', 0, ''],
    ['https://gitea.internal/team/app.git', 0, ''],
    [
      'ftp://git.internal/team/app.git',
      1,
      `catalog-info.yaml: image-automation/repo: "ftp://git.internal/team/app.git" is not a repository URL; give the Git repository's URL: https://host/owner/repo, ssh://git@host:2222/team/app.git or git@host:team/app.git (example: image-automation/repo: https://github.com/acme/payments)\n`,
    ],
  ])(
    'lints a repository named %s on any Git host',
    async (repo, code, problem) => {
      const result = await lint({
        'catalog-info.yaml': component('payments', {
          ...VALID,
          'image-automation/repo': repo,
        }),
      });
      expect(result.code).toBe(code);
      expect(result.out).toBe(
        code === 0
          ? '1 entity checked, all valid\n'
          : `${problem}1 entity checked, 1 problem in 1 entity\n`,
      );
    },
  );

  it('notes a config file that is not present locally and exits 0', async () => {
    const result = await lint({
      'catalog-info.yaml': component('payments', {
        'github.com/project-slug': 'acme/payments',
        'image-automation/config': './.backstage/image-automation.yaml',
      }),
    });
    expect(result).toEqual({
      code: 0,
      out:
        'catalog-info.yaml: image-automation/config: note: .backstage/image-automation.yaml is not beside catalog-info.yaml; ' +
        'the backend reads it from the repository (not checked here)\n1 entity checked, all valid\n',
      err: '',
    });
  });

  it('reports an unquoted annotation value the catalog would refuse', async () => {
    const result = await lint({
      'catalog-info.yaml': `${component('payments-api', VALID).replace(
        '  annotations:\n',
        '  annotations:\n    image-automation/allow-downgrade: true\n',
      )}`,
    });
    expect(result.code).toBe(1);
    expect(result.out).toContain(
      'catalog-info.yaml: image-automation/allow-downgrade: annotation values must be strings, found boolean true; quote the value (example: image-automation/allow-downgrade: "true")',
    );
  });

  it('reports a document with our annotations that is not an entity', async () => {
    const result = await lint({
      'x.yaml':
        'metadata:\n  annotations:\n    image-automation/image: nginx\n',
    });
    expect(result.code).toBe(1);
    expect(result.out).toMatch(
      /^x\.yaml: document 1: has image-automation annotations but is not a catalog entity/,
    );
  });

  it('says when no entity has image-automation annotations', async () => {
    const result = await lint({
      'x.yaml': 'kind: Group\nmetadata: { name: a }\n',
    });
    expect(result).toEqual({
      code: 0,
      out: '0 entities checked (no entity has image-automation annotations)\n',
      err: '',
    });
  });

  it.each<[string, string, RegExp]>([
    [
      'invalid YAML',
      'metadata: [\n',
      /^image-automation lint: bad\.yaml is not valid YAML: .*line \d+, column \d+\n$/,
    ],
    [
      'a duplicate key',
      'kind: A\nkind: B\n',
      /^image-automation lint: bad\.yaml is not valid YAML: Map keys must be unique at line 2, column 1\n$/,
    ],
  ])('exits 2 on %s with a precise message', async (_, text, message) => {
    const result = await lint({ 'bad.yaml': text });
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
  });

  it('exits 2 on a missing file but still lints the others', async () => {
    await writeFile(join(dir, 'ok.yaml'), component('a', VALID));
    const io = captureIo(dir);
    expect(await lintVerb.run(['missing.yaml', 'ok.yaml'], io)).toBe(2);
    expect(io.err).toBe(
      'image-automation lint: cannot read missing.yaml (no such file)\n',
    );
    expect(io.out).toBe('1 entity checked, all valid\n');
  });

  it.each([
    [[], 'name at least one catalog-info file'],
    [['--fix', 'a.yaml'], 'unknown option --fix'],
  ])('exits 2 on bad arguments %j', async (args, message) => {
    const io = captureIo(dir);
    expect(await lintVerb.run(args, io)).toBe(2);
    expect(io.err).toContain(message);
  });

  it('with --config, names a push mode or a repository the operator does not allow', async () => {
    const entity = component('payments', {
      ...VALID,
      'image-automation/mode': 'push',
    });
    const config = 'imageAutomation:\n  git:\n    allowedRepositories: [github.com/acme/gitops-*]\n';
    const refused = await lint(
      { 'catalog-info.yaml': entity, 'app-config.yaml': config },
      [
        '--config',
        'app-config.yaml',
        '--registered-from',
        'https://github.com/acme/catalog',
        'catalog-info.yaml',
      ],
    );
    expect(refused.code).toBe(1);
    expect(refused.out).toContain(
      "catalog-info.yaml: image-automation/repo: github.com/acme/payments is not the repository this entity is registered from (github.com/acme/catalog); an operator can allow it with imageAutomation.git.allowedRepositories: ['github.com/acme/payments']",
    );
    expect(refused.out).toContain(
      'catalog-info.yaml: image-automation/mode: mode push writes without review and is allowed only in repositories listed under imageAutomation.git.allowPush',
    );

    // Its own repository, pull requests: valid.
    const own = await lint(
      {
        'catalog-info.yaml': component('payments', VALID),
        'app-config.yaml': config,
      },
      [
        '--config',
        'app-config.yaml',
        '--registered-from',
        'https://github.com/acme/payments',
        'catalog-info.yaml',
      ],
    );
    expect(own.code).toBe(0);
  });
});
