import { execFileSync } from 'node:child_process';
import { GithubEmulator, startGithubEmulator } from './index';
import { Octokit, octokitFor } from './testing/octokit';

const TOKEN = 'ghp_pulls';
const OWNER = 'acme';
const REPO = 'shop';
const BRANCH = 'image-automation/component-default-shop';

describe('GitHub emulator: pull requests, labels and comments', () => {
  let emulator: GithubEmulator;
  let octokit: Octokit;

  beforeAll(async () => {
    emulator = await startGithubEmulator({ tokens: [TOKEN] });
    octokit = octokitFor(emulator, TOKEN);
    await emulator.createRepository(OWNER, REPO, {
      files: { 'deploy/values.yaml': 'image:\n  tag: 1.0.0\nreplicas: 2\n' },
    });
  });

  afterAll(() => emulator.stop());

  const values = (tag: string) => `image:\n  tag: ${tag}\nreplicas: 2\n`;

  it('opens one pull request per head and refuses a duplicate', async () => {
    await emulator.commitFiles(
      OWNER,
      REPO,
      BRANCH,
      { 'deploy/values.yaml': values('1.1.0') },
      { message: 'bump' },
    );
    const { data: pull } = await octokit.pulls.create({
      owner: OWNER,
      repo: REPO,
      title: 'Update shop to 1.1.0',
      head: `${OWNER}:${BRANCH}`,
      base: 'main',
      body: '| image | old | new |',
      maintainer_can_modify: true,
    });
    expect(pull).toMatchObject({
      number: 1,
      state: 'open',
      merged: false,
      head: { ref: BRANCH, label: `${OWNER}:${BRANCH}` },
      base: { ref: 'main' },
      html_url: 'https://github.com/acme/shop/pull/1',
      commits: 1,
      changed_files: 1,
    });
    const duplicate = octokit.pulls.create({
      owner: OWNER,
      repo: REPO,
      title: 'again',
      head: BRANCH,
      base: 'main',
    });
    await expect(duplicate).rejects.toMatchObject({
      status: 422,
      response: {
        data: {
          message: 'Validation Failed',
          errors: [
            {
              resource: 'PullRequest',
              code: 'custom',
              message: `A pull request already exists for ${OWNER}:${BRANCH}.`,
            },
          ],
        },
      },
    });
  });

  it('refuses a pull request without commits or with unknown branches', async () => {
    await emulator.commitFiles(
      OWNER,
      REPO,
      'empty-branch',
      {},
      { message: 'nothing' },
    );
    await octokit.git.updateRef({
      owner: OWNER,
      repo: REPO,
      ref: 'heads/empty-branch',
      sha: (
        await octokit.git.getRef({
          owner: OWNER,
          repo: REPO,
          ref: 'heads/main',
        })
      ).data.object.sha,
      force: true,
    });
    await expect(
      octokit.pulls.create({
        owner: OWNER,
        repo: REPO,
        title: 't',
        head: 'empty-branch',
        base: 'main',
      }),
    ).rejects.toMatchObject({
      status: 422,
      response: {
        data: {
          errors: [{ message: 'No commits between main and empty-branch' }],
        },
      },
    });
    await expect(
      octokit.pulls.create({
        owner: OWNER,
        repo: REPO,
        title: 't',
        head: 'nope',
        base: 'main',
      }),
    ).rejects.toMatchObject({
      status: 422,
      response: { data: { errors: [{ field: 'head', code: 'invalid' }] } },
    });
    await expect(
      octokit.pulls.create({
        owner: OWNER,
        repo: REPO,
        title: 't',
        head: BRANCH,
        base: 'nope',
      }),
    ).rejects.toMatchObject({
      status: 422,
      response: { data: { errors: [{ field: 'base', code: 'invalid' }] } },
    });
  });

  it('finds the pull request by head, follows new commits and updates title and body', async () => {
    const { data: found } = await octokit.pulls.list({
      owner: OWNER,
      repo: REPO,
      state: 'open',
      head: `${OWNER}:${BRANCH}`,
      base: 'main',
    });
    expect(found.map(p => p.number)).toEqual([1]);
    const { data: none } = await octokit.pulls.list({
      owner: OWNER,
      repo: REPO,
      head: `${OWNER}:other`,
    });
    expect(none).toEqual([]);

    const newer = await emulator.commitFiles(
      OWNER,
      REPO,
      BRANCH,
      { 'deploy/values.yaml': values('1.2.0') },
      { message: 'bump again' },
    );
    const { data: updated } = await octokit.pulls.update({
      owner: OWNER,
      repo: REPO,
      pull_number: 1,
      title: 'Update shop to 1.2.0',
      body: 'new body',
    });
    expect(updated).toMatchObject({
      title: 'Update shop to 1.2.0',
      body: 'new body',
      head: { sha: newer },
      commits: 2,
    });
  });

  it('adds labels and comments on the pull request', async () => {
    const { data: labels } = await octokit.issues.addLabels({
      owner: OWNER,
      repo: REPO,
      issue_number: 1,
      labels: ['dependencies', 'image-automation'],
    });
    expect(labels.map(l => l.name)).toEqual([
      'dependencies',
      'image-automation',
    ]);
    await octokit.issues.addLabels({
      owner: OWNER,
      repo: REPO,
      issue_number: 1,
      labels: ['dependencies'],
    });
    const { data: listed } = await octokit.issues.listLabelsOnIssue({
      owner: OWNER,
      repo: REPO,
      issue_number: 1,
    });
    expect(listed.map(l => l.name)).toEqual([
      'dependencies',
      'image-automation',
    ]);

    const { data: comment } = await octokit.issues.createComment({
      owner: OWNER,
      repo: REPO,
      issue_number: 1,
      body: 'superseded',
    });
    expect(comment).toMatchObject({
      body: 'superseded',
      user: { login: 'image-automation-bot' },
    });
    const { data: comments } = await octokit.issues.listComments({
      owner: OWNER,
      repo: REPO,
      issue_number: 1,
    });
    expect(comments.map(c => c.body)).toEqual(['superseded']);
    await expect(
      octokit.issues.createComment({
        owner: OWNER,
        repo: REPO,
        issue_number: 99,
        body: 'x',
      }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('compares the branch with its base like GitHub', async () => {
    const { data } = await octokit.repos.compareCommitsWithBasehead({
      owner: OWNER,
      repo: REPO,
      basehead: `main...${BRANCH}`,
    });
    expect(data).toMatchObject({
      status: 'ahead',
      ahead_by: 2,
      behind_by: 0,
      total_commits: 2,
    });
    expect(data.commits.map(c => c.commit.message)).toEqual([
      'bump',
      'bump again',
    ]);
    expect(data.files).toEqual([
      expect.objectContaining({
        filename: 'deploy/values.yaml',
        status: 'modified',
        additions: 1,
        deletions: 1,
        patch: expect.stringContaining('-  tag: 1.0.0\n+  tag: 1.2.0'),
      }),
    ]);
    const { data: commits } = await octokit.repos.listCommits({
      owner: OWNER,
      repo: REPO,
      sha: BRANCH,
      per_page: 1,
    });
    expect(commits.map(c => c.commit.message)).toEqual(['bump again']);
  });

  it('merges through the API with a merge commit and marks the pull request merged', async () => {
    const person = await emulator.commitFiles(
      OWNER,
      REPO,
      'main',
      { 'README.md': 'hi\n' },
      { message: 'unrelated' },
    );
    const { data: merge } = await octokit.pulls.merge({
      owner: OWNER,
      repo: REPO,
      pull_number: 1,
    });
    expect(merge.merged).toBe(true);
    const { data: mergeCommit } = await octokit.git.getCommit({
      owner: OWNER,
      repo: REPO,
      commit_sha: merge.sha,
    });
    expect(mergeCommit.parents.map(p => p.sha)).toEqual([
      person,
      (await emulator.listPullRequests(OWNER, REPO))[0].headSha,
    ]);
    const { data: pull } = await octokit.pulls.get({
      owner: OWNER,
      repo: REPO,
      pull_number: 1,
    });
    expect(pull).toMatchObject({
      state: 'closed',
      merged: true,
      merge_commit_sha: merge.sha,
    });
    await expect(
      emulator.readFile(OWNER, REPO, 'main', 'deploy/values.yaml'),
    ).resolves.toBe(values('1.2.0'));
    await expect(
      emulator.readFile(OWNER, REPO, 'main', 'README.md'),
    ).resolves.toBe('hi\n');
    await expect(
      octokit.pulls.merge({ owner: OWNER, repo: REPO, pull_number: 1 }),
    ).rejects.toMatchObject({ status: 405 });
  });

  it('opens a fresh pull request after a merge and closes it on request; the emulator merges too', async () => {
    await emulator.commitFiles(
      OWNER,
      REPO,
      BRANCH,
      { 'deploy/values.yaml': values('1.3.0') },
      { message: 'bump 1.3.0' },
    );
    const { data: fresh } = await octokit.pulls.create({
      owner: OWNER,
      repo: REPO,
      title: 'to 1.3.0',
      head: BRANCH,
      base: 'main',
    });
    expect(fresh.number).toBe(2);
    const { data: closed } = await octokit.pulls.update({
      owner: OWNER,
      repo: REPO,
      pull_number: 2,
      state: 'closed',
    });
    expect(closed.state).toBe('closed');
    const { data: reopened } = await octokit.pulls.update({
      owner: OWNER,
      repo: REPO,
      pull_number: 2,
      state: 'open',
    });
    expect(reopened.state).toBe('open');

    const { sha } = await emulator.mergePullRequest(OWNER, REPO, 2);
    const gitDir = emulator.gitDir(OWNER, REPO);
    expect(
      execFileSync('git', [`--git-dir=${gitDir}`, 'rev-parse', 'main'], {
        encoding: 'utf8',
      }).trim(),
    ).toBe(sha);
    const { data: all } = await octokit.pulls.list({
      owner: OWNER,
      repo: REPO,
      state: 'all',
      direction: 'asc',
    });
    expect(all.map(p => [p.number, p.state, Boolean(p.merged_at)])).toEqual([
      [1, 'closed', true],
      [2, 'closed', true],
    ]);
  });

  it('closes open pull requests whose head branch is deleted', async () => {
    await emulator.commitFiles(
      OWNER,
      REPO,
      'short-lived',
      { 'x.txt': 'x\n' },
      { message: 'x' },
    );
    const { data: pull } = await octokit.pulls.create({
      owner: OWNER,
      repo: REPO,
      title: 'x',
      head: 'short-lived',
      base: 'main',
    });
    await octokit.git.deleteRef({
      owner: OWNER,
      repo: REPO,
      ref: 'heads/short-lived',
    });
    const { data } = await octokit.pulls.get({
      owner: OWNER,
      repo: REPO,
      pull_number: pull.number,
    });
    expect(data).toMatchObject({ state: 'closed', merged: false });
  });
});
