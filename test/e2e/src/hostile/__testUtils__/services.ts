import {
  GithubEmulator,
  StartedRegistry,
  startGithubEmulator,
  startRegistry,
} from '@internal/image-automation-test-harness';
import { execFileSync } from 'node:child_process';
import { GITHUB_TOKEN } from './hostileBackend';

/** The GitHub organisation every hostile-input repository lives in. */
export const OWNER = 'acme';

/** The real registry harness and the GitHub emulator, on loopback, for one test file. */
export interface Services {
  registry: StartedRegistry;
  github: GithubEmulator;
  /** `https://github.com/acme/<name>`: what `image-automation/repo` names. */
  repoUrl(name: string): string;
  /** Runs real `git` against an emulated repository's bare git directory. */
  git(repo: string, ...args: string[]): string;
  stop(): Promise<void>;
}

export async function startServices(): Promise<Services> {
  const [registry, github] = await Promise.all([
    startRegistry(),
    startGithubEmulator({ tokens: [GITHUB_TOKEN] }),
  ]);
  return {
    registry,
    github,
    repoUrl: name => `https://github.com/${OWNER}/${name}`,
    git: (repo, ...args) =>
      execFileSync('git', ['--git-dir', github.gitDir(OWNER, repo), ...args], {
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
      }),
    stop: async () => {
      await Promise.all([registry.stop(), github.stop()]);
    },
  };
}

/** A Deployment whose image line carries a setter marker for `policy`. */
export function deployment(imageRef: string, policy = 'api'): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          image: ${imageRef} # {"$imagepolicy": "${policy}"}
`;
}
