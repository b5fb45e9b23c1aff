import type { WriteBackRecord } from '../domain/records';
import { changeOf, imageChangeOf } from './changeDestination';

const SHA = '0123456789abcdef0123456789abcdef01234567';

function record(extra: Partial<WriteBackRecord>): WriteBackRecord {
  return {
    entityRef: 'component:default/api',
    gitRepository: 'https://example.com/acme/deploy',
    branch: 'image-automation/component-default-api',
    targetTags: { api: '1.1.0' },
    lastCommitSha: SHA,
    updatedAt: 1,
    ...extra,
  };
}

describe('changeOf', () => {
  it('names a GitHub pull request #N, with its link, branch and commit', () => {
    expect(
      changeOf(
        'pull-request',
        record({
          hostKind: 'github',
          state: 'open',
          prNumber: 12,
          prUrl: 'https://github.com/acme/deploy/pull/12',
          prState: 'open',
        }),
      ),
    ).toEqual({
      kind: 'pull-request',
      reference: '#12',
      url: 'https://github.com/acme/deploy/pull/12',
      branch: 'image-automation/component-default-api',
      commitSha: SHA,
      number: 12,
      state: 'open',
    });
  });

  it('names a GitLab merge request !N, merged ones too', () => {
    expect(
      changeOf(
        'pull-request',
        record({
          hostKind: 'gitlab',
          state: 'merged',
          prNumber: 3,
          prUrl: 'https://gitlab.example.com/acme/deploy/-/merge_requests/3',
          prState: 'merged',
        }),
      ),
    ).toMatchObject({
      kind: 'merge-request',
      reference: '!3',
      state: 'merged',
    });
  });

  it('names a push-branch change by its branch and short sha, without a link of its own', () => {
    expect(
      changeOf('push-branch', record({ hostKind: 'git', state: 'pushed' })),
    ).toEqual({
      kind: 'branch',
      reference: '0123456',
      branch: 'image-automation/component-default-api',
      commitSha: SHA,
    });
  });

  it('names a push by the commit on the base branch, even where a pull request was merged before', () => {
    expect(
      changeOf(
        'push',
        record({
          hostKind: 'github',
          state: 'pushed',
          branch: 'main',
          prNumber: 4,
          prUrl: 'https://github.com/acme/deploy/pull/4',
          prState: 'merged',
        }),
      ),
    ).toEqual({
      kind: 'commit',
      reference: '0123456',
      branch: 'main',
      commitSha: SHA,
    });
  });

  it('names a branch whose pull request is not open yet by its commit', () => {
    expect(
      changeOf('pull-request', record({ hostKind: 'github' })),
    ).toMatchObject({ kind: 'branch', reference: '0123456' });
  });

  it('says nothing before the first write', () => {
    expect(changeOf('push', undefined)).toBeUndefined();
    expect(
      changeOf(
        'push',
        record({ lastCommitSha: undefined, errorKind: 'config' }),
      ),
    ).toBeUndefined();
  });
});

describe('imageChangeOf', () => {
  it('gives an image only a change that carried one of its tags, with that tag', () => {
    const writeBack = record({ hostKind: 'git', state: 'pushed' });
    const change = changeOf('push-branch', writeBack);
    expect(imageChangeOf('api', change, writeBack)).toEqual({
      ...change,
      tag: '1.1.0',
    });
    expect(imageChangeOf('worker', change, writeBack)).toBeUndefined();
    expect(imageChangeOf('api', undefined, writeBack)).toBeUndefined();
  });
});
