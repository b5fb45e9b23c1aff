import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Commits symbolic links (mode 120000) to a branch of a bare repository with
 * git plumbing, as `git push` of a commit made with `ln -s` would leave them:
 * the emulator's own `commitFiles` only writes regular files. A temporary
 * index starts from the branch head, so every other file stays.
 *
 * @returns the new commit's sha
 */
export function commitSymlinks(
  gitDir: string,
  branch: string,
  links: Record<string, string>,
  message: string,
): string {
  const scratch = mkdtempSync(join(tmpdir(), 'hostile-symlink-'));
  const env = {
    ...process.env,
    GIT_INDEX_FILE: join(scratch, 'index'),
    GIT_AUTHOR_NAME: 'Mallory',
    GIT_AUTHOR_EMAIL: 'mallory@example.com',
    GIT_COMMITTER_NAME: 'Mallory',
    GIT_COMMITTER_EMAIL: 'mallory@example.com',
  };
  const git = (args: string[], input?: string) =>
    execFileSync('git', ['--git-dir', gitDir, ...args], {
      env,
      input,
      encoding: 'utf8',
    }).trim();
  try {
    const ref = `refs/heads/${branch}`;
    const parent = git(['rev-parse', '--verify', ref]);
    git(['read-tree', parent]);
    for (const [path, target] of Object.entries(links)) {
      // A link's blob is its target path, without a trailing newline.
      const blob = git(['hash-object', '-w', '--stdin'], target);
      git(['update-index', '--add', '--cacheinfo', `120000,${blob},${path}`]);
    }
    const tree = git(['write-tree']);
    const commit = git(['commit-tree', tree, '-p', parent], message);
    git(['update-ref', ref, commit, parent]);
    return commit;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
