import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { MAX_MANIFEST_BYTES } from '@image-automation/plugin-image-automation-node';
import type { RepositoryLocation } from '@image-automation/plugin-image-automation-common';
import { GitError } from '../GitError';
import type { GitHostAdapter, GitRepository } from '../port';
import { GitTransport, removeStaleKeyDirs } from './GitTransport';
import { LocalClone } from './LocalClone';
import { PlainGitHost, readPlainGitHosts } from './PlainGitHostConfig';
import { PlainGitRepository } from './PlainGitRepository';

export interface PlainGitHostAdapterOptions {
  logger: LoggerService;
  /** The backend's working directory: the clones live under it. */
  workingDirectory: string;
}

/**
 * Plain Git for the hosts of `imageAutomation.git.hosts` (any server over SSH
 * with a deploy key, or HTTPS with a token), through the system `git`. Keeps
 * one partial clone per repository under the working directory.
 */
export class PlainGitHostAdapter implements GitHostAdapter {
  readonly kind = 'git' as const;
  private readonly clones = new Map<string, LocalClone>();
  private readonly root: string;
  private readonly homeDir: string;
  private readonly keysDir: string;

  static fromConfig(
    config: Config,
    options: PlainGitHostAdapterOptions,
  ): PlainGitHostAdapter {
    const hosts = readPlainGitHosts(config);
    for (const host of hosts) {
      if (host.problem) options.logger.warn(host.problem);
    }
    return new PlainGitHostAdapter(hosts, options);
  }

  constructor(
    private readonly hosts: PlainGitHost[],
    private readonly options: PlainGitHostAdapterOptions,
  ) {
    this.root = join(options.workingDirectory, 'image-automation', 'git');
    this.homeDir = join(this.root, 'home');
    this.keysDir = join(this.root, 'keys');
    removeStaleKeyDirs(this.keysDir);
  }

  serves(location: RepositoryLocation): boolean {
    return this.hosts.some(h => h.host === location.host);
  }

  async open(location: RepositoryLocation): Promise<GitRepository> {
    const host = this.hosts.find(h => h.host === location.host);
    const displayName = `${location.host}/${location.path}`;
    if (!host) {
      throw new GitError(
        'git-no-integration',
        `no imageAutomation.git.hosts entry for ${location.host}: add one with ssh or https credentials`,
      );
    }
    if (host.problem) throw new GitError('git-no-integration', host.problem);
    if (location.protocol === 'ssh' && !host.ssh) {
      throw new GitError(
        'git-no-integration',
        `${displayName} is an SSH URL, but the imageAutomation.git.hosts entry for ${host.host} has no ssh credentials: add ssh { privateKey, knownHosts }, or name the repository with its https URL`,
      );
    }
    if (location.protocol !== 'ssh' && !host.https) {
      throw new GitError(
        'git-no-integration',
        `${displayName} is an ${location.protocol} URL, but the imageAutomation.git.hosts entry for ${host.host} has no https credentials: add https { username, token }, or name the repository with its ssh:// URL`,
      );
    }
    const identity = { kind: 'git' as const, location, displayName };
    return new PlainGitRepository(identity, this.cloneOf(location, host));
  }

  private cloneOf(location: RepositoryLocation, host: PlainGitHost) {
    const known = this.clones.get(location.cloneUrl);
    if (known) return known;
    mkdirSync(this.homeDir, { recursive: true, mode: 0o700 });
    const slug = location.key.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
    const hash = createHash('sha256')
      .update(location.cloneUrl)
      .digest('hex')
      .slice(0, 12);
    const clone = new LocalClone({
      gitDir: join(this.root, `${slug}-${hash}.git`),
      cloneUrl: location.cloneUrl,
      displayName: `${location.host}/${location.path}`,
      host: host.host,
      transport: new GitTransport(location, host, this.homeDir, this.keysDir),
      logger: this.options.logger,
      maxBlobBytes: MAX_MANIFEST_BYTES,
    });
    this.clones.set(location.cloneUrl, clone);
    return clone;
  }
}
