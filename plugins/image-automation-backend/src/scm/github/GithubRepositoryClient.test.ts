/*
 * The GitHub adapter against the emulator (a real bare repository): every
 * ref move is a compare-and-swap, whatever the shape of the move.
 */
import { mockServices } from '@backstage/backend-test-utils';
import {
  GithubEmulator,
  startGithubEmulator,
} from '@internal/image-automation-test-harness';
import { createGitHosts } from '../createGitHosts';
import { GitRepository } from '../port';

jest.setTimeout(60_000);

const TOKEN = 'adapter-token';
let github: GithubEmulator;
let repository: GitRepository;

beforeAll(async () => {
  github = await startGithubEmulator({ tokens: [TOKEN] });
  await github.createRepository('acme', 'cas', {
    files: { 'deploy/app.yaml': 'image: app:1.0.0\n' },
  });
  const hosts = createGitHosts({
    config: mockServices.rootConfig({
      data: {
        integrations: {
          github: [
            { host: 'github.com', apiBaseUrl: github.apiBaseUrl, token: TOKEN },
          ],
        },
      },
    }),
    logger: mockServices.logger.mock(),
  });
  repository = await hosts.open('https://github.com/acme/cas');
});
afterAll(() => github?.stop());

async function commitOnMain(content: string) {
  const base = (await repository.openBranch('main'))!;
  return repository.createCommit({
    parent: base,
    message: 'ours',
    changes: [{ path: 'deploy/app.yaml', content, mode: '100644' }],
  });
}

describe('GithubRepositoryClient', () => {
  it('reads a branch head and its files, and tells a missing branch', async () => {
    const head = (await repository.openBranch('main'))!;
    const snapshot = await repository.readFiles(head, ['deploy/app.yaml', 'nope.yaml']);
    expect(snapshot.files.get('deploy/app.yaml')?.content).toBe('image: app:1.0.0\n');
    expect(snapshot.missing).toEqual(['nope.yaml']);
    expect(await repository.openBranch('no-such-branch')).toBeUndefined();
    expect(await repository.defaultBranch()).toBe('main');
  });

  it('creates a branch only when it does not exist', async () => {
    const first = await commitOnMain('image: app:1.1.0\n');
    expect(await repository.moveBranch('feature/a', undefined, first.sha)).toEqual({
      moved: true,
    });
    const second = await commitOnMain('image: app:1.2.0\n');
    expect(await repository.moveBranch('feature/a', undefined, second.sha)).toEqual({
      moved: false,
      actualSha: first.sha,
    });
    expect(await repository.branchSha('feature/a')).toBe(first.sha);
  });

  it('moves a branch that is not a fast-forward only from the sha it expects (GraphQL updateRefs)', async () => {
    const ours = await commitOnMain('image: app:1.1.0\n');
    await repository.moveBranch('feature/b', undefined, ours.sha);
    // Redone on the base: not a fast-forward of the branch.
    const redone = await commitOnMain('image: app:1.3.0\n');
    expect(await repository.moveBranch('feature/b', ours.sha, redone.sha)).toEqual({
      moved: true,
    });
    expect(await repository.branchSha('feature/b')).toBe(redone.sha);

    // A person pushed meanwhile: the move is refused, their commit stays.
    const theirs = await github.commitFiles(
      'acme',
      'cas',
      'feature/b',
      { 'NOTES.md': 'mine\n' },
      { message: 'mine' },
    );
    const again = await commitOnMain('image: app:1.4.0\n');
    expect(await repository.moveBranch('feature/b', redone.sha, again.sha)).toEqual({
      moved: false,
      actualSha: theirs,
    });
    expect(await repository.branchSha('feature/b')).toBe(theirs);
  });

  it('fast-forwards without force, and refuses when the branch moved', async () => {
    const base = (await repository.openBranch('main'))!;
    const next = await commitOnMain('image: app:2.0.0\n');
    const person = await github.commitFiles(
      'acme',
      'cas',
      'main',
      { 'OTHER.md': 'x\n' },
      { message: 'racing' },
    );
    expect(await repository.moveBranch('main', base.headSha, next.sha)).toEqual({
      moved: false,
      actualSha: person,
    });
    expect(await repository.branchSha('main')).toBe(person);
    const onTop = await commitOnMain('image: app:2.0.0\n');
    expect(await repository.moveBranch('main', person, onTop.sha)).toEqual({
      moved: true,
    });
  });
});
