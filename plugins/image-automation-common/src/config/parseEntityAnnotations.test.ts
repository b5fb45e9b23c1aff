import type { ConfigProblem } from '../api';
import {
  hasAutomationAnnotations,
  parseAutomationConfigFile,
  parseEntityAnnotations,
} from './parseEntityAnnotations';
import type { EntityLike } from './types';

const SOURCE = 'url:https://github.com/acme/payments/tree/main/';

function entity(
  annotations: Record<string, unknown>,
  name = 'payments-api',
): EntityLike {
  return {
    kind: 'Component',
    metadata: {
      name,
      annotations: annotations as Record<string, string>,
    },
  };
}

const SHORTHAND = {
  'backstage.io/source-location': SOURCE,
  'image-automation/image': 'ghcr.io/acme/payments-api',
  'image-automation/policy': 'semver: >=1.4.0 <2.0.0',
  'image-automation/files':
    'deploy/prod/deployment.yaml, deploy/prod/values.yaml',
};

function keysOf(problems: ConfigProblem[]): string[] {
  return problems.map(p => p.key);
}

describe('parseEntityAnnotations: shorthand', () => {
  it('reads one image named after the entity, with defaults', () => {
    expect(parseEntityAnnotations(entity(SHORTHAND))).toEqual({
      spec: {
        images: [
          {
            name: 'payments-api',
            image: 'ghcr.io/acme/payments-api',
            policy: { semver: { range: '>=1.4.0 <2.0.0' } },
            files: ['deploy/prod/deployment.yaml', 'deploy/prod/values.yaml'],
            allowDowngrade: false,
          },
        ],
        git: {
          mode: 'pull-request',
          pushBranch: 'image-automation/component-default-payments-api',
        },
        repository: 'https://github.com/acme/payments/tree/main/',
      },
      repository: 'https://github.com/acme/payments/tree/main/',
      problems: [],
    });
  });

  it('reads every optional key', () => {
    const parsed = parseEntityAnnotations(
      entity({
        ...SHORTHAND,
        'image-automation/policy': 'numerical: asc',
        'image-automation/filter-tags': '^main-[a-f0-9]+-(?P<ts>[0-9]+)$',
        'image-automation/filter-extract': '$ts',
        'image-automation/container': 'api',
        'image-automation/mode': 'push',
        'image-automation/minimum-age': '2h',
        'image-automation/allow-downgrade': 'true',
        'image-automation/interval': '1h30m',
        'image-automation/repo': 'https://github.com/acme/deployments',
      }),
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.spec).toEqual({
      images: [
        {
          name: 'payments-api',
          image: 'ghcr.io/acme/payments-api',
          policy: {
            numerical: { order: 'asc' },
            filterTags: {
              pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)$',
              extract: '$ts',
            },
          },
          files: ['deploy/prod/deployment.yaml', 'deploy/prod/values.yaml'],
          container: 'api',
          minimumAgeMs: 2 * 3_600_000,
          allowDowngrade: true,
        },
      ],
      git: {
        mode: 'push',
        pushBranch: 'image-automation/component-default-payments-api',
      },
      repository: 'https://github.com/acme/deployments',
      intervalMs: 90 * 60_000,
    });
  });

  it('normalises file paths and drops duplicates', () => {
    const parsed = parseEntityAnnotations(
      entity({
        ...SHORTHAND,
        'image-automation/files': ' ./deploy//a.yaml ,deploy/a.yaml, b.yaml ',
      }),
    );
    expect(parsed.spec?.images[0].files).toEqual(['deploy/a.yaml', 'b.yaml']);
  });

  // Each row breaks one annotation: the image is left out and the problem
  // names that annotation, says what is wrong and shows what is right.
  it.each<[string, Record<string, unknown>, string, RegExp]>([
    [
      'no image',
      { 'image-automation/image': undefined },
      'image-automation/image',
      /the image is missing/,
    ],
    [
      'a tag on the image',
      { 'image-automation/image': 'ghcr.io/acme/payments-api:1.4.2' },
      'image-automation/image',
      /names the tag "1\.4\.2"; leave the tag out, the policy chooses it/,
    ],
    [
      'a digest on the image',
      {
        'image-automation/image': `ghcr.io/acme/payments-api@sha256:${'a'.repeat(
          64,
        )}`,
      },
      'image-automation/image',
      /pins the digest sha256:a+; leave it out/,
    ],
    [
      'an uppercase image',
      { 'image-automation/image': 'ghcr.io/Acme/api' },
      'image-automation/image',
      /is not an image repository: the repository path must be lowercase/,
    ],
    [
      'a URL as image',
      { 'image-automation/image': 'https://ghcr.io/acme/api' },
      'image-automation/image',
      /is not an image repository: it is a URL/,
    ],
    [
      'an empty image',
      { 'image-automation/image': ' ' },
      'image-automation/image',
      /the image is empty/,
    ],
    [
      'no policy',
      { 'image-automation/policy': undefined },
      'image-automation/policy',
      /the policy is missing/,
    ],
    [
      'a misspelt policy kind',
      { 'image-automation/policy': 'semvr: 1.x' },
      'image-automation/policy',
      /unknown policy kind "semvr" \(did you mean "semver"\?\)/,
    ],
    [
      'a bad semver range',
      { 'image-automation/policy': 'semver: >=1.4 <<2' },
      'image-automation/policy',
      /Invalid semver range ">=1\.4 <<2"/,
    ],
    [
      'an unknown order',
      { 'image-automation/policy': 'alphabetical: up' },
      'image-automation/policy',
      /unknown alphabetical order "up"/,
    ],
    [
      'a regex the linear engine refuses',
      { 'image-automation/filter-tags': '^(?=v)v.*$' },
      'image-automation/filter-tags',
      /Invalid filterTags\.pattern/,
    ],
    [
      'an unbalanced regex',
      { 'image-automation/filter-tags': '^v(.*$' },
      'image-automation/filter-tags',
      /Invalid filterTags\.pattern "\^v\(\.\*\$"/,
    ],
    [
      'an extract naming no group',
      {
        'image-automation/filter-tags': '^v(?P<v>.*)$',
        'image-automation/filter-extract': '$ts',
      },
      'image-automation/filter-extract',
      /has no group "ts"/,
    ],
    [
      'an extract without a pattern',
      { 'image-automation/filter-extract': '$ts' },
      'image-automation/filter-extract',
      /needs a filterTags\.pattern/,
    ],
    [
      'no files',
      { 'image-automation/files': undefined },
      'image-automation/files',
      /the files are missing/,
    ],
    [
      'an empty file list',
      { 'image-automation/files': '  ' },
      'image-automation/files',
      /the list of files is empty/,
    ],
    [
      'a stray comma',
      { 'image-automation/files': 'a.yaml,' },
      'image-automation/files',
      /entry 2 of 2 is empty \(a stray comma\?\)/,
    ],
    [
      'an absolute path',
      { 'image-automation/files': '/etc/passwd' },
      'image-automation/files',
      /"\/etc\/passwd" is absolute; give the path relative to the repository root/,
    ],
    [
      'a Windows path',
      { 'image-automation/files': 'C:/deploy/a.yaml' },
      'image-automation/files',
      /is absolute/,
    ],
    [
      'a path leaving the repository',
      { 'image-automation/files': 'deploy/../../secrets.yaml' },
      'image-automation/files',
      /leaves the repository with "\.\."/,
    ],
    [
      'a backslash path',
      { 'image-automation/files': 'deploy\\a.yaml' },
      'image-automation/files',
      /contains a backslash/,
    ],
    [
      'a directory',
      { 'image-automation/files': 'deploy/' },
      'image-automation/files',
      /names a directory/,
    ],
    [
      'a container with a space',
      { 'image-automation/container': 'my api' },
      'image-automation/container',
      /contains a space/,
    ],
    [
      'a bad minimum age',
      { 'image-automation/minimum-age': 'two hours' },
      'image-automation/minimum-age',
      /Invalid duration "two hours"/,
    ],
    [
      'a minimum age without unit',
      { 'image-automation/minimum-age': '7200' },
      'image-automation/minimum-age',
      /the unit is missing/,
    ],
    [
      'allow-downgrade not a boolean',
      { 'image-automation/allow-downgrade': 'yes' },
      'image-automation/allow-downgrade',
      /"yes" is neither "true" nor "false"/,
    ],
    [
      'an unquoted boolean in raw YAML',
      { 'image-automation/allow-downgrade': true },
      'image-automation/allow-downgrade',
      /annotation values must be strings, found boolean true; quote the value/,
    ],
  ])(
    '%s: reported on its key and the image left out',
    (_, change, key, message) => {
      const annotations = { ...SHORTHAND, ...change };
      for (const [k, v] of Object.entries(change))
        if (v === undefined) delete (annotations as Record<string, unknown>)[k];
      const parsed = parseEntityAnnotations(entity(annotations));
      expect(parsed.spec).toBeUndefined();
      const problem = parsed.problems.find(p => p.key === key);
      expect(problem).toBeDefined();
      expect(problem!.message).toMatch(message);
      expect(problem!.example).toMatch(new RegExp(`^${key}: \\S`));
    },
  );

  it('reports every broken annotation at once', () => {
    const parsed = parseEntityAnnotations(
      entity({
        ...SHORTHAND,
        'image-automation/image': 'ghcr.io/acme/api:1',
        'image-automation/policy': 'latest',
        'image-automation/files': '../x.yaml',
        'image-automation/filter-tags': '(',
      }),
    );
    expect(keysOf(parsed.problems)).toEqual([
      'image-automation/image',
      'image-automation/policy',
      'image-automation/filter-tags',
      'image-automation/files',
    ]);
  });

  it('observes only, with a problem, when the mode is unknown', () => {
    const parsed = parseEntityAnnotations(
      entity({ ...SHORTHAND, 'image-automation/mode': 'pull_request' }),
    );
    expect(parsed.spec?.git.mode).toBe('observe');
    expect(parsed.problems).toEqual([
      {
        key: 'image-automation/mode',
        message: expect.stringMatching(
          /unknown mode "pull_request"; use pull-request, push, push-branch, observe .*observe mode/,
        ),
        example: 'image-automation/mode: pull-request',
      },
    ]);
  });

  it.each(['pull-request', 'push', 'push-branch', 'observe'])(
    'accepts the mode %s',
    mode => {
      const parsed = parseEntityAnnotations(
        entity({ ...SHORTHAND, 'image-automation/mode': mode }),
      );
      expect(parsed.problems).toEqual([]);
      expect(parsed.spec?.git.mode).toBe(mode);
    },
  );

  it('keeps the image and the default interval when the interval is wrong', () => {
    const parsed = parseEntityAnnotations(
      entity({ ...SHORTHAND, 'image-automation/interval': 'hourly' }),
    );
    expect(parsed.spec?.images).toHaveLength(1);
    expect(parsed.spec?.intervalMs).toBeUndefined();
    expect(keysOf(parsed.problems)).toEqual(['image-automation/interval']);
  });

  it.each([
    [
      'image-automation/polcy',
      'did you mean image-automation/policy?',
      'image-automation/policy: "semver: >=1.4.0 <2.0.0"',
    ],
    [
      'image-automation/file',
      'did you mean image-automation/files?',
      'image-automation/files: deploy/prod/deployment.yaml, deploy/prod/values.yaml',
    ],
    [
      'image-automation/filter-tag',
      'did you mean image-automation/filter-tags?',
      expect.stringMatching(/^image-automation\/filter-tags: /),
    ],
    [
      'image-automation/minimumAge',
      'did you mean image-automation/minimum-age?',
      'image-automation/minimum-age: 2h',
    ],
    [
      'image-automation/owner',
      'the known ones are image-automation/image, ',
      undefined,
    ],
  ])('reports the unknown annotation %s', (key, hint, example) => {
    const parsed = parseEntityAnnotations(entity({ ...SHORTHAND, [key]: 'x' }));
    expect(parsed.spec).toBeDefined();
    expect(parsed.problems).toEqual([
      {
        key,
        message: expect.stringContaining(hint),
        ...(example ? { example } : {}),
      },
    ]);
  });

  it('reports a misspelt annotation even when it is the only one', () => {
    const typo = entity({ 'image-automation/imgae': 'ghcr.io/acme/api' });
    expect(hasAutomationAnnotations(typo)).toBe(true);
    const parsed = parseEntityAnnotations(typo);
    expect(parsed.spec).toBeUndefined();
    expect(parsed.problems).toEqual([
      {
        key: 'image-automation/imgae',
        message: 'unknown annotation; did you mean image-automation/image?',
        example: 'image-automation/image: ghcr.io/acme/payments-api',
      },
    ]);
  });

  it('returns nothing for an entity without image-automation annotations', () => {
    const plain = entity({ 'backstage.io/source-location': SOURCE });
    expect(hasAutomationAnnotations(plain)).toBe(false);
    expect(parseEntityAnnotations(plain)).toEqual({ problems: [] });
    expect(
      parseEntityAnnotations({ kind: 'Component', metadata: { name: 'x' } }),
    ).toEqual({ problems: [] });
  });
});

describe('parseEntityAnnotations: repository', () => {
  const base = {
    'image-automation/image': 'ghcr.io/acme/api',
    'image-automation/policy': 'semver: 1.x',
    'image-automation/files': 'a.yaml',
  };

  it.each<[string, Record<string, string>, string]>([
    [
      'the override first',
      {
        'image-automation/repo': 'https://github.com/acme/deploy',
        'backstage.io/source-location': SOURCE,
      },
      'https://github.com/acme/deploy',
    ],
    [
      'the override without url: prefix kept as URL',
      { 'image-automation/repo': 'url:https://ghe.acme.com/team/deploy' },
      'https://ghe.acme.com/team/deploy',
    ],
    [
      'the source location, tree path kept',
      { 'backstage.io/source-location': SOURCE },
      'https://github.com/acme/payments/tree/main/',
    ],
    [
      'the source location before the slug',
      {
        'backstage.io/source-location': SOURCE,
        'github.com/project-slug': 'acme/other',
      },
      'https://github.com/acme/payments/tree/main/',
    ],
    [
      'the project slug',
      { 'github.com/project-slug': 'acme/payments' },
      'https://github.com/acme/payments',
    ],
    [
      'the slug when the source location is not a URL',
      {
        'backstage.io/source-location': 'file:./here',
        'github.com/project-slug': 'acme/payments',
      },
      'https://github.com/acme/payments',
    ],
  ])('takes %s', (_, annotations, repository) => {
    const parsed = parseEntityAnnotations(entity({ ...base, ...annotations }));
    expect(parsed.problems).toEqual([]);
    expect(parsed.spec?.repository).toBe(repository);
    expect(parsed.repository).toBe(repository);
  });

  it('names all three keys when there is no repository, and keeps the images', () => {
    const parsed = parseEntityAnnotations(entity(base));
    expect(parsed.spec?.images).toHaveLength(1);
    expect(parsed.spec?.repository).toBeUndefined();
    expect(parsed.problems).toEqual([
      {
        key: 'image-automation/repo',
        message: expect.stringContaining(
          'set image-automation/repo, backstage.io/source-location or github.com/project-slug',
        ),
        example: 'image-automation/repo: https://github.com/acme/payments',
      },
    ]);
  });

  it('says why the source location and slug were unusable', () => {
    const parsed = parseEntityAnnotations(
      entity({
        ...base,
        'backstage.io/source-location': 'file:./x',
        'github.com/project-slug': 'payments',
      }),
    );
    expect(parsed.problems[0].message).toContain(
      '(backstage.io/source-location "file:./x" is not a URL; github.com/project-slug "payments" is not "owner/repo")',
    );
  });

  it('does not fall back when the override is broken', () => {
    const parsed = parseEntityAnnotations(
      entity({
        ...base,
        'image-automation/repo': 'acme/deploy',
        'backstage.io/source-location': SOURCE,
      }),
    );
    expect(parsed.spec?.repository).toBeUndefined();
    expect(parsed.problems).toEqual([
      {
        key: 'image-automation/repo',
        message:
          '"acme/deploy" is not a repository URL; give the https URL of the Git repository',
        example: 'image-automation/repo: https://github.com/acme/payments',
      },
    ]);
  });
});

const FULL_FORM = `
images:
  - name: api
    image: ghcr.io/acme/payments-api
    policy: { semver: { range: ">=1.4.0 <2.0.0" } }
    filterTags: { pattern: '^v(?P<v>.*)$', extract: '$v' }
    files: [deploy/prod/deployment.yaml]
    container: api
    minimumAge: 2h
    allowDowngrade: true
  - name: worker
    image: ghcr.io/acme/payments-worker
    policy: { alphabetical: { order: desc } }
    files: [deploy/prod/worker.yaml, ./deploy/prod/values.yaml]
git:
  mode: push
  baseBranch: main
  pushBranch: image-automation/payments
  commit:
    messageTemplate: |
      chore: update images
      {{ range .Updated.Images }}- {{ .Name }} to {{ .NewTag }}
      {{ end }}
    author: { name: Image Bot, email: bot@acme.com }
  pullRequest:
    title: Update images
    body: Automated
    labels: [dependencies, images]
interval: PT30M
`;

function fullForm(
  config: string,
  extra: Record<string, string> = {},
): EntityLike {
  return entity(
    {
      'backstage.io/source-location': SOURCE,
      'image-automation/config': config,
      ...extra,
    },
    'payments',
  );
}

describe('parseEntityAnnotations: full form', () => {
  it('reads every field of the inline config', () => {
    const parsed = parseEntityAnnotations(fullForm(FULL_FORM));
    expect(parsed.problems).toEqual([]);
    expect(parsed.configFile).toBeUndefined();
    expect(parsed.spec).toEqual({
      images: [
        {
          name: 'api',
          image: 'ghcr.io/acme/payments-api',
          policy: {
            semver: { range: '>=1.4.0 <2.0.0' },
            filterTags: { pattern: '^v(?P<v>.*)$', extract: '$v' },
          },
          files: ['deploy/prod/deployment.yaml'],
          container: 'api',
          minimumAgeMs: 7_200_000,
          allowDowngrade: true,
        },
        {
          name: 'worker',
          image: 'ghcr.io/acme/payments-worker',
          policy: { alphabetical: { order: 'desc' } },
          files: ['deploy/prod/worker.yaml', 'deploy/prod/values.yaml'],
          allowDowngrade: false,
        },
      ],
      git: {
        mode: 'push',
        baseBranch: 'main',
        pushBranch: 'image-automation/payments',
        commit: {
          messageTemplate:
            'chore: update images\n{{ range .Updated.Images }}- {{ .Name }} to {{ .NewTag }}\n{{ end }}\n',
          author: { name: 'Image Bot', email: 'bot@acme.com' },
        },
        pullRequest: {
          titleTemplate: 'Update images',
          bodyTemplate: 'Automated',
          labels: ['dependencies', 'images'],
        },
      },
      repository: 'https://github.com/acme/payments/tree/main/',
      intervalMs: 30 * 60_000,
    });
  });

  it('defaults the mode and the push branch', () => {
    const parsed = parseEntityAnnotations(
      fullForm(
        'images: [{ name: a, image: nginx, policy: { numerical: {} }, files: [a.yaml] }]',
      ),
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.spec?.git).toEqual({
      mode: 'pull-request',
      pushBranch: 'image-automation/component-default-payments',
    });
    expect(parsed.spec?.images[0].policy).toEqual({
      numerical: { order: 'asc' },
    });
  });

  it('keeps the valid image when another is broken', () => {
    const parsed = parseEntityAnnotations(
      fullForm(`
images:
  - name: api
    image: ghcr.io/acme/api:1.0.0
    policy: { semver: { range: "1.x" } }
    files: [a.yaml]
  - name: worker
    image: ghcr.io/acme/worker
    policy: { semver: { range: "1.x" } }
    files: [b.yaml]
`),
    );
    expect(parsed.spec?.images.map(i => i.name)).toEqual(['worker']);
    expect(parsed.problems).toEqual([
      {
        key: 'image-automation/config: images[0].image',
        message:
          '"ghcr.io/acme/api:1.0.0" names the tag "1.0.0"; leave the tag out, the policy chooses it',
        example: 'image: ghcr.io/acme/payments-api',
      },
    ]);
  });

  it('leaves the spec undefined when no image is valid', () => {
    const parsed = parseEntityAnnotations(
      fullForm(
        'images: [{ name: api, image: ghcr.io/acme/api, policy: { semver: { range: "" } }, files: [a.yaml] }]',
      ),
    );
    expect(parsed.spec).toBeUndefined();
    expect(keysOf(parsed.problems)).toEqual([
      'image-automation/config: images[0].policy',
    ]);
  });

  const image = (fields: string) =>
    `images:\n  - { name: api, image: ghcr.io/acme/api, policy: { semver: { range: "1.x" } }, files: [a.yaml], ${fields} }\n`;

  // Each row breaks one field of the only image; the problem is keyed by
  // the field's path and the image is left out.
  it.each<[string, string, string, RegExp]>([
    [
      'a misspelt field',
      image('polcy: x'),
      'images[0].polcy',
      /unknown key "polcy"; did you mean "policy"\?/,
    ],
    [
      'a misspelt policy kind',
      'images: [{ name: a, image: nginx, policy: { semvr: { range: "1.x" } }, files: [a.yaml] }]',
      'images[0].policy.semvr',
      /did you mean "semver"\?/,
    ],
    [
      'filterTags inside policy',
      'images: [{ name: a, image: nginx, policy: { semver: { range: "1.x" }, filterTags: { pattern: x } }, files: [a.yaml] }]',
      'images[0].policy.filterTags',
      /filterTags goes beside policy/,
    ],
    [
      'the shorthand policy string',
      'images: [{ name: a, image: nginx, policy: "semver: 1.x", files: [a.yaml] }]',
      'images[0].policy',
      /expected a mapping in Flux's shape.*string form is for the image-automation\/policy annotation/,
    ],
    [
      'two policy kinds',
      'images: [{ name: a, image: nginx, policy: { semver: { range: "1.x" }, numerical: {} }, files: [a.yaml] }]',
      'images[0].policy',
      /several policy kinds given \(semver, numerical\)/,
    ],
    [
      'a bad order',
      'images: [{ name: a, image: nginx, policy: { numerical: { order: up } }, files: [a.yaml] }]',
      'images[0].policy',
      /unknown numerical\.order "up"/,
    ],
    [
      'a misspelt filter field',
      image('filterTags: { patern: x }'),
      'images[0].filterTags.patern',
      /did you mean "pattern"\?/,
    ],
    [
      'a bad pattern',
      image('filterTags: { pattern: "(" }'),
      'images[0].filterTags.pattern',
      /Invalid filterTags\.pattern "\("/,
    ],
    [
      'a bad extract',
      image('filterTags: { pattern: "^(?P<v>.*)$", extract: "$x" }'),
      'images[0].filterTags.extract',
      /has no group "x"/,
    ],
    [
      'no name',
      'images: [{ image: nginx, policy: { numerical: {} }, files: [a.yaml] }]',
      'images[0].name',
      /the name is missing/,
    ],
    [
      'a name with a quote',
      "images: [{ name: 'a\"b', image: nginx, policy: { numerical: {} }, files: [a.yaml] }]",
      'images[0].name',
      /contains a space, a quote/,
    ],
    [
      'a name ending in a marker suffix',
      'images: [{ name: "api:tag", image: nginx, policy: { numerical: {} }, files: [a.yaml] }]',
      'images[0].name',
      /ends in ":tag"/,
    ],
    [
      'a number as name',
      'images: [{ name: 7, image: nginx, policy: { numerical: {} }, files: [a.yaml] }]',
      'images[0].name',
      /expected a string, found number 7/,
    ],
    [
      'no image',
      'images: [{ name: a, policy: { numerical: {} }, files: [a.yaml] }]',
      'images[0].image',
      /the image is missing/,
    ],
    [
      'a tagged image',
      image('').replace('ghcr.io/acme/api', 'ghcr.io/acme/api:2'),
      'images[0].image',
      /names the tag "2"/,
    ],
    [
      'no policy',
      'images: [{ name: a, image: nginx, files: [a.yaml] }]',
      'images[0].policy',
      /the policy is missing/,
    ],
    [
      'no files',
      'images: [{ name: a, image: nginx, policy: { numerical: {} } }]',
      'images[0].files',
      /the files are missing/,
    ],
    [
      'files as a string',
      'images: [{ name: a, image: nginx, policy: { numerical: {} }, files: a.yaml }]',
      'images[0].files',
      /expected a list of paths, found "a\.yaml"/,
    ],
    [
      'an empty file list',
      'images: [{ name: a, image: nginx, policy: { numerical: {} }, files: [] }]',
      'images[0].files',
      /the list of files is empty/,
    ],
    [
      'an empty file entry',
      'images: [{ name: a, image: nginx, policy: { numerical: {} }, files: [a.yaml, ""] }]',
      'images[0].files[1]',
      /the path is empty/,
    ],
    [
      'a null file entry',
      'images: [{ name: a, image: nginx, policy: { numerical: {} }, files: [a.yaml, ~] }]',
      'images[0].files[1]',
      /expected a path, found null/,
    ],
    [
      'a path leaving the repository',
      'images: [{ name: a, image: nginx, policy: { numerical: {} }, files: [../a.yaml] }]',
      'images[0].files[0]',
      /leaves the repository/,
    ],
    [
      'an absolute path',
      'images: [{ name: a, image: nginx, policy: { numerical: {} }, files: [/a.yaml] }]',
      'images[0].files[0]',
      /is absolute/,
    ],
    [
      'an empty container',
      image('container: ""'),
      'images[0].container',
      /the container name is empty/,
    ],
    [
      'a bad minimum age',
      image('minimumAge: soon'),
      'images[0].minimumAge',
      /Invalid duration "soon"/,
    ],
    [
      'a number as minimum age',
      image('minimumAge: 7200'),
      'images[0].minimumAge',
      /found number 7200; give a unit/,
    ],
    [
      'a quoted boolean',
      image('allowDowngrade: "true"'),
      'images[0].allowDowngrade',
      /expected true or false \(without quotes\), found "true"/,
    ],
    [
      'an image that is no mapping',
      'images: [nginx]',
      'images[0]',
      /expected a mapping, found "nginx"/,
    ],
  ])('%s', (_, config, path, message) => {
    const parsed = parseEntityAnnotations(fullForm(config));
    expect(parsed.spec).toBeUndefined();
    const key = `image-automation/config: ${path}`;
    const problem = parsed.problems.find(p => p.key === key);
    expect({
      keys: keysOf(parsed.problems),
      message: problem?.message,
    }).toEqual({
      keys: expect.arrayContaining([key]),
      message: expect.stringMatching(message),
    });
    expect(problem!.example).toBeTruthy();
  });

  it.each<[string, string, RegExp]>([
    ['invalid YAML', 'images: [', /^the config is not valid YAML: .*line 1/],
    [
      'duplicate keys',
      'images: []\nimages: []',
      /not valid YAML: Map keys must be unique at line 2, column 1$/,
    ],
    [
      'several documents',
      'images: []\n---\ngit: {}',
      /not valid YAML: Source contains multiple documents/,
    ],
    ['a list', '- name: a', /expected a mapping, found a list/],
    ['no images', 'git: { mode: push }', /the list of images is missing/],
    ['empty images', 'images: []', /the list of images is empty/],
    [
      'images not a list',
      'images: { name: a }',
      /expected a list of images, found a mapping/,
    ],
    [
      'an alias bomb',
      `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\nimages: []`,
      /the config cannot be read: .*alias/i,
    ],
  ])('reports %s on the config itself', (_, config, message) => {
    const parsed = parseEntityAnnotations(fullForm(config));
    expect(parsed.spec).toBeUndefined();
    const problem = parsed.problems.find(p =>
      p.key.startsWith('image-automation/config'),
    );
    expect(problem?.message).toMatch(message);
  });

  it('refuses config text over the size limit without parsing it', () => {
    const parsed = parseEntityAnnotations(
      fullForm(`images: []\n#${'x'.repeat(300_000)}`),
    );
    expect(parsed.problems).toEqual([
      {
        key: 'image-automation/config',
        message: expect.stringMatching(
          /characters long; at most 262144 are read/,
        ),
      },
    ]);
  });

  it('reports unknown keys at every level with a suggestion', () => {
    const parsed = parseEntityAnnotations(
      fullForm(
        `${FULL_FORM}
imgaes: []
`
          .replace('baseBranch: main', 'baseBrnach: main')
          .replace('messageTemplate:', 'mesageTemplate:')
          .replace('labels:', 'label:'),
      ),
    );
    expect(
      parsed.problems.map(p => `${p.key}: ${p.message.split(';')[1]?.trim()}`),
    ).toEqual([
      'image-automation/config: imgaes: did you mean "images"?',
      'image-automation/config: git.baseBrnach: did you mean "baseBranch"?',
      'image-automation/config: git.commit.mesageTemplate: did you mean "messageTemplate"?',
      'image-automation/config: git.pullRequest.label: did you mean "labels"?',
    ]);
  });

  it('reports a duplicate name and keeps the first image of that name', () => {
    const parsed = parseEntityAnnotations(
      fullForm(`
images:
  - { name: api, image: ghcr.io/acme/api, policy: { numerical: {} }, files: [a.yaml] }
  - { name: api, image: ghcr.io/acme/other, policy: { numerical: {} }, files: [b.yaml] }
`),
    );
    expect(parsed.spec?.images.map(i => i.image)).toEqual(['ghcr.io/acme/api']);
    expect(parsed.problems).toEqual([
      {
        key: 'image-automation/config: images[1].name',
        message: expect.stringContaining(
          '"api" is already the name of images[0]; names must be unique',
        ),
        example: 'name: api',
      },
    ]);
  });

  it.each<[string, string, string, RegExp]>([
    [
      'an unknown mode',
      'mode: pull',
      'git.mode',
      /unknown mode "pull"; use pull-request, push, push-branch, observe/,
    ],
    [
      'a base branch with a space',
      'baseBranch: "my branch"',
      'git.baseBranch',
      /"my branch" is not a branch name: it contains a space/,
    ],
    [
      'a push branch with ..',
      'pushBranch: a..b',
      'git.pushBranch',
      /it contains "\.\."/,
    ],
    [
      'a full ref',
      'pushBranch: refs/heads/x',
      'git.pushBranch',
      /without "refs\/heads\/"/,
    ],
    [
      'a .lock branch',
      'pushBranch: a/b.lock',
      'git.pushBranch',
      /ends with "\.lock"/,
    ],
    [
      'a bad email',
      'commit: { author: { email: bot } }',
      'git.commit.author.email',
      /"bot" is not an email address/,
    ],
    [
      'an empty template',
      'commit: { messageTemplate: "" }',
      'git.commit.messageTemplate',
      /the message template is empty/,
    ],
    [
      'labels as a string',
      'pullRequest: { labels: deps }',
      'git.pullRequest.labels',
      /expected a list of labels/,
    ],
    [
      'an empty label',
      'pullRequest: { labels: [deps, ""] }',
      'git.pullRequest.labels[1]',
      /expected a label/,
    ],
    ['git as a string', '', 'git', /expected a mapping, found "push"/],
  ])('observes only when the git section has %s', (_, field, path, message) => {
    const config = `images: [{ name: a, image: nginx, policy: { numerical: {} }, files: [a.yaml] }]\ngit: ${
      field ? `{ ${field} }` : 'push'
    }\n`;
    const parsed = parseEntityAnnotations(fullForm(config));
    expect(parsed.spec?.images).toHaveLength(1);
    expect(parsed.spec?.git.mode).toBe('observe');
    const key = `image-automation/config: ${path}`;
    expect(parsed.problems).toEqual([
      {
        key,
        message: expect.stringMatching(message),
        example: expect.any(String),
      },
    ]);
  });

  it('says in each git problem that nothing is written until it is fixed', () => {
    const parsed = parseEntityAnnotations(
      fullForm(
        'images: [{ name: a, image: nginx, policy: { numerical: {} }, files: [a.yaml] }]\ngit: { mode: pull }',
      ),
    );
    expect(parsed.problems[0].message).toMatch(
      /nothing is written until the git settings are fixed \(observe mode\)$/,
    );
  });

  it('keeps the images and the default interval when the interval is wrong', () => {
    const parsed = parseEntityAnnotations(
      fullForm(
        'images: [{ name: a, image: nginx, policy: { numerical: {} }, files: [a.yaml] }]\ninterval: 5',
      ),
    );
    expect(parsed.spec?.images).toHaveLength(1);
    expect(parsed.spec?.intervalMs).toBeUndefined();
    expect(keysOf(parsed.problems)).toEqual([
      'image-automation/config: interval',
    ]);
  });

  it('reports the shorthand image beside the config and says which to remove', () => {
    const parsed = parseEntityAnnotations(
      fullForm(FULL_FORM, {
        'image-automation/image': 'ghcr.io/acme/api',
        'image-automation/mode': 'push',
        'image-automation/repo': 'https://github.com/acme/deploy',
      }),
    );
    expect(parsed.spec?.images.map(i => i.name)).toEqual(['api', 'worker']);
    expect(parsed.spec?.repository).toBe('https://github.com/acme/deploy');
    expect(parsed.problems).toEqual([
      {
        key: 'image-automation/image',
        message:
          'both image-automation/image (shorthand) and image-automation/config (full form) are set: remove ' +
          'image-automation/image and the other shorthand keys, or remove image-automation/config; until then only image-automation/config is used',
      },
      {
        key: 'image-automation/mode',
        message:
          'is ignored because image-automation/config is set: remove it, or move it into the config as git.mode',
      },
    ]);
  });

  it('reports a config that is not a string in raw YAML', () => {
    const parsed = parseEntityAnnotations(
      entity({
        'backstage.io/source-location': SOURCE,
        'image-automation/config': { images: [] },
      }),
    );
    expect(parsed.problems).toEqual([
      {
        key: 'image-automation/config',
        message: expect.stringContaining(
          'found a mapping; write YAML as a block string after "|"',
        ),
        example: 'image-automation/config: |',
      },
    ]);
  });

  it('reports an empty config', () => {
    expect(parseEntityAnnotations(fullForm('  ')).problems).toEqual([
      {
        key: 'image-automation/config',
        message: expect.stringContaining('the config is empty'),
        example: expect.any(String),
      },
    ]);
  });
});

describe('parseEntityAnnotations: config file', () => {
  it.each([
    ['./.backstage/image-automation.yaml', '.backstage/image-automation.yaml'],
    ['/.backstage/image-automation.yaml', '.backstage/image-automation.yaml'],
    ['automation.yml', 'automation.yml'],
    ['deploy/automation.YAML', 'deploy/automation.YAML'],
    ['./config/automation', 'config/automation'],
    ['  ./x.yaml\n', 'x.yaml'],
  ])('treats %j as a file in the repository', (value, path) => {
    const parsed = parseEntityAnnotations(fullForm(value));
    expect(parsed).toEqual({
      configFile: path,
      repository: 'https://github.com/acme/payments/tree/main/',
      problems: [],
    });
  });

  it.each([
    ['./../secrets.yaml', /leaves the repository/],
    ['C:\\config.yaml', /contains a backslash/],
    ['https://example.com/x.yaml', /is a URL/],
  ])('refuses the file path %j', (value, message) => {
    const parsed = parseEntityAnnotations(fullForm(value));
    expect(parsed.configFile).toBeUndefined();
    expect(parsed.problems).toEqual([
      {
        key: 'image-automation/config',
        message: expect.stringMatching(message),
        example: expect.any(String),
      },
    ]);
  });

  it('parses the file text with problems keyed by the file path', () => {
    const parsed = parseAutomationConfigFile(
      FULL_FORM.replace('range: ">=1.4.0 <2.0.0"', 'range: ">=1.4.0 <<2"'),
      fullForm('./.backstage/image-automation.yaml'),
      '.backstage/image-automation.yaml',
    );
    expect(parsed.spec?.images.map(i => i.name)).toEqual(['worker']);
    expect(parsed.spec?.repository).toBe(
      'https://github.com/acme/payments/tree/main/',
    );
    expect(parsed.spec?.git.pushBranch).toBe('image-automation/payments');
    expect(parsed.problems).toEqual([
      {
        key: '.backstage/image-automation.yaml: images[0].policy',
        message: expect.stringContaining('Invalid semver range ">=1.4.0 <<2"'),
        example: 'policy: { semver: { range: ">=1.4.0 <2.0.0" } }',
      },
    ]);
  });

  it('leaves problems of the annotations to parseEntityAnnotations', () => {
    const withoutRepository = entity({
      'image-automation/config': './x.yaml',
      'image-automation/polcy': 'x',
    });
    expect(parseEntityAnnotations(withoutRepository).problems).toHaveLength(2);
    const parsed = parseAutomationConfigFile(
      'images: [{ name: a, image: nginx, policy: { numerical: {} }, files: [a.yaml] }]',
      withoutRepository,
      'x.yaml',
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.spec?.images).toHaveLength(1);
    expect(parsed.spec?.repository).toBeUndefined();
  });
});
