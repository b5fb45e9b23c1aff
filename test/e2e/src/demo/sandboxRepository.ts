import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The demo sandbox's addresses, as scripts/demo/up.sh saved them. */
export interface SandboxState {
  /** `127.0.0.1:PORT`, as in the demo's image references. */
  registryHost: string;
  sshPort: number;
  /** The bare repository the SSH server serves. */
  gitDir: string;
}

export function readSandboxState(demoDir: string): SandboxState {
  const values = new Map(
    readFileSync(join(demoDir, 'state.env'), 'utf8')
      .split('\n')
      .filter(line => line.includes('='))
      .map(line => line.split('=', 2) as [string, string]),
  );
  return {
    registryHost: `127.0.0.1:${values.get('DEMO_REGISTRY_PORT')}`,
    sshPort: Number(values.get('DEMO_SSH_PORT')),
    gitDir: join(demoDir, 'git/demo.git'),
  };
}

/** A branch of the sandbox repository and its head commit. */
export interface BranchHeadView {
  branch: string;
  sha: string;
}

/**
 * Reads the sandbox's bare repository directly (what the SSH server serves),
 * to check what the backend wrote without going through the backend.
 */
export class SandboxRepository {
  constructor(private readonly gitDir: string) {}

  private git(args: string[]): string {
    return execFileSync('git', ['--git-dir', this.gitDir, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  branches(): BranchHeadView[] {
    return this.git([
      'for-each-ref',
      '--format=%(refname:strip=2) %(objectname)',
      'refs/heads',
    ])
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(line => {
        const [branch, sha] = line.split(' ');
        return { branch, sha };
      });
  }

  /** The file at a branch or commit; undefined when it does not exist there. */
  file(revision: string, path: string): string | undefined {
    try {
      return this.git(['show', `${revision}:${path}`]);
    } catch {
      return undefined;
    }
  }

  /** Paths a commit changed against its first parent. */
  changedPaths(sha: string): string[] {
    return this.git(['diff-tree', '--no-commit-id', '--name-only', '-r', sha])
      .trim()
      .split('\n')
      .filter(Boolean);
  }

  /** The branches other than `main` whose head holds `path` with `content`. */
  branchesWith(path: string, content: string): BranchHeadView[] {
    return this.branches().filter(
      head => head.branch !== 'main' && this.file(head.sha, path) === content,
    );
  }
}
