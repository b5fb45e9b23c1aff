import { FirstSeenTags } from '@image-automation/plugin-image-automation-common';
import {
  AutomationSpec,
  createTagPolicy,
} from '@image-automation/plugin-image-automation-common';
import type { EntityRecord, RepositoryRecord } from '../domain/records';
import {
  CompiledImage,
  EntityEvaluationInput,
  evaluateEntity,
} from './evaluateEntity';

const NOW = 1_000_000;
const REPOSITORY = 'ghcr.io/acme/api';

const spec: AutomationSpec = {
  repository: 'https://github.com/acme/deploy',
  images: [
    {
      name: 'api',
      image: REPOSITORY,
      policy: { semver: { range: '^1.0.0' } },
      files: ['a.yaml', 'b.yaml'],
      allowDowngrade: false,
    },
  ],
  git: { mode: 'pull-request' },
} as unknown as AutomationSpec;

const entity: EntityRecord = {
  entityRef: 'component:default/api',
  mode: 'pull-request',
  gitRepository: 'https://github.com/acme/deploy',
  spec,
  configProblems: [],
  nextDueAt: 0,
  lastSeenAt: NOW,
};

const compiled: CompiledImage[] = [
  {
    name: 'api',
    image: REPOSITORY,
    repository: REPOSITORY,
    policy: createTagPolicy({ semver: { range: '^1.0.0' } }),
  },
];

const scanned = (tags: string[], extra: Partial<RepositoryRecord> = {}) =>
  new Map<string, RepositoryRecord>([
    [
      REPOSITORY,
      {
        repository: REPOSITORY,
        tags: FirstSeenTags.listed(tags, undefined, 0),
        lastScanAt: NOW,
        lastSuccessAt: NOW,
        consecutiveFailures: 0,
        ...extra,
      },
    ],
  ]);

function input(
  overrides: Partial<EntityEvaluationInput>,
): EntityEvaluationInput {
  return {
    entity,
    compiled,
    git: {
      kind: 'read',
      current: new Map([['api', { tag: '1.0.0', file: 'a.yaml', line: 3 }]]),
    },
    scans: scanned(['1.0.0', '1.1.0']),
    previous: [],
    now: NOW,
    ...overrides,
  };
}

describe('evaluateEntity', () => {
  it('decides an image behind its target: update available, verdict behind with the target', () => {
    const result = evaluateEntity(input({}));
    expect(result.images[0]).toMatchObject({
      state: 'update-available',
      currentTag: '1.0.0',
      latestTag: '1.1.0',
    });
    expect(result.verdict).toEqual({
      kind: 'behind',
      targets: { api: '1.1.0' },
    });
    expect(result.updates).toEqual([
      { imageName: 'api', image: REPOSITORY, fromTag: '1.0.0', toTag: '1.1.0' },
    ]);
  });

  it('is up to date only when the tag was read from Git', () => {
    const read = evaluateEntity(
      input({
        git: {
          kind: 'read',
          current: new Map([
            ['api', { tag: '1.1.0', file: 'a.yaml', line: 3 }],
          ]),
        },
      }),
    );
    expect(read.images[0].state).toBe('up-to-date');
    expect(read.verdict).toEqual({ kind: 'current' });

    const unread = evaluateEntity(
      input({ git: { kind: 'read', current: new Map() } }),
    );
    expect(unread.images[0]).toMatchObject({
      state: 'error',
      errorKind: 'manifest',
    });
    expect(unread.verdict.kind).toBe('undecided');
  });

  it('shows a refused or unusable repository as an error, never as up to date', () => {
    const result = evaluateEntity(
      input({
        git: {
          kind: 'failed',
          errorKind: 'config',
          message:
            'github.com/other/repo is not the repository this entity is registered from',
        },
      }),
    );
    expect(result.images[0]).toMatchObject({
      state: 'error',
      errorKind: 'config',
      errorMessage: expect.stringContaining('not the repository'),
    });
    expect(result.verdict.kind).toBe('undecided');
  });

  it('shows config problems as the state, and holds the write-back', () => {
    const result = evaluateEntity(
      input({
        entity: {
          ...entity,
          configProblems: [
            { key: 'image-automation/mode', message: 'is "pushh", not a mode' },
          ],
        },
        git: {
          kind: 'read',
          current: new Map([
            ['api', { tag: '1.1.0', file: 'a.yaml', line: 3 }],
          ]),
        },
      }),
    );
    expect(result.images[0]).toMatchObject({
      state: 'error',
      errorKind: 'config',
    });
    expect(result.images[0].errorMessage).toContain('image-automation/mode');
    expect(result.verdict.kind).toBe('undecided');
  });

  it('holds the write-back when Git could not be read, with the reason', () => {
    const result = evaluateEntity(
      input({
        git: {
          kind: 'failed',
          errorKind: 'git-unreachable',
          message: 'GitHub answered 502',
        },
      }),
    );
    expect(result.images[0]).toMatchObject({
      state: 'error',
      errorKind: 'git-unreachable',
    });
    expect(result.verdict).toEqual({
      kind: 'undecided',
      reasons: ['api: GitHub answered 502'],
    });
  });

  it('holds the write-back when the registry lists no allowed tag or its last scan failed', () => {
    expect(
      evaluateEntity(input({ scans: scanned(['2.0.0']) })).verdict.kind,
    ).toBe('undecided');
    const failed = evaluateEntity(
      input({
        scans: scanned(['1.0.0', '1.1.0'], {
          lastErrorKind: 'registry-unreachable',
          lastErrorMessage: 'connection refused',
        }),
      }),
    );
    expect(failed.images[0]).toMatchObject({
      state: 'update-available',
      latestTag: '1.1.0',
    });
    expect(failed.verdict.kind).toBe('undecided');
  });

  it('names disagreeing files on the card', () => {
    const result = evaluateEntity(
      input({
        git: {
          kind: 'read',
          current: new Map([
            [
              'api',
              {
                tag: '1.0.0',
                file: 'a.yaml',
                line: 3,
                disagreement: 'b.yaml:3 holds 1.2.0',
              },
            ],
          ]),
        },
      }),
    );
    expect(result.images[0].message).toContain(
      'files disagree: a.yaml:3 holds 1.0.0, b.yaml:3 holds 1.2.0; each place moves up to 1.1.0 on its own, none moves down',
    );
  });
});
