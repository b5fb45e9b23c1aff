import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { parseRepositoryUrl } from '@image-automation/plugin-image-automation-common';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitError } from '../GitError';
import { PlainGitHostAdapter } from './PlainGitHostAdapter';
import { capturingLogger } from './testing';

const KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n';
const KNOWN = '[git.internal]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI';

describe('PlainGitHostAdapter', () => {
  let workingDirectory: string;
  beforeEach(() => {
    workingDirectory = mkdtempSync(join(tmpdir(), 'ia-plain-git-config-'));
  });
  afterEach(() => rmSync(workingDirectory, { recursive: true, force: true }));

  const adapter = (hosts: JsonObject[], logger = capturingLogger()) =>
    PlainGitHostAdapter.fromConfig(
      new ConfigReader({ imageAutomation: { git: { hosts } } }),
      { logger, workingDirectory },
    );
  const at = (url: string) => parseRepositoryUrl(url)!;

  it('serves the hosts of its entries, port included, case-insensitively', () => {
    const git = adapter([
      {
        host: 'Git.Internal:2222',
        ssh: { privateKey: KEY, knownHosts: KNOWN },
      },
      {
        host: 'gitea.internal',
        https: { username: 'bot', token: 'secret-token' },
      },
    ]);
    expect(git.kind).toBe('git');
    expect(git.serves(at('ssh://git@git.internal:2222/team/app.git'))).toBe(
      true,
    );
    expect(git.serves(at('https://gitea.internal/team/app.git'))).toBe(true);
    expect(git.serves(at('git@gitea.internal:team/app.git'))).toBe(true);
    expect(git.serves(at('ssh://git@git.internal/team/app.git'))).toBe(false);
    expect(git.serves(at('https://github.com/acme/app'))).toBe(false);
  });

  it('serves nothing without entries', () => {
    const git = PlainGitHostAdapter.fromConfig(new ConfigReader({}), {
      logger: capturingLogger(),
      workingDirectory,
    });
    expect(git.serves(at('ssh://git@git.internal:2222/team/app.git'))).toBe(
      false,
    );
  });

  it('opens a repository named for messages by host and path, without a web page', async () => {
    const git = adapter([
      {
        host: 'git.internal:2222',
        ssh: { privateKey: KEY, knownHosts: KNOWN },
      },
    ]);
    const repository = await git.open(
      at('ssh://git@git.internal:2222/team/app.git'),
    );
    expect(repository.identity).toEqual({
      kind: 'git',
      location: at('ssh://git@git.internal:2222/team/app.git'),
      displayName: 'git.internal:2222/team/app',
    });
    expect(repository.supportsChangeRequests).toBe(false);
  });

  it.each([
    [
      'ssh without knownHosts',
      { host: 'git.internal:2222', ssh: { privateKey: KEY } },
      'ssh://git@git.internal:2222/team/app.git',
      "imageAutomation.git.hosts[0] (git.internal:2222) has no ssh.knownHosts: host keys are always checked; set it to the server's known_hosts line (`ssh-keyscan -p 2222 git.internal` prints it",
    ],
    [
      'ssh without privateKey',
      { host: 'git.internal', ssh: { knownHosts: KNOWN } },
      'git@git.internal:team/app.git',
      'imageAutomation.git.hosts[0] (git.internal) has ssh but no ssh.privateKey',
    ],
    [
      'https without token',
      { host: 'gitea.internal', https: { username: 'bot' } },
      'https://gitea.internal/team/app.git',
      'imageAutomation.git.hosts[0] (gitea.internal) needs both https.username and https.token',
    ],
    [
      'no credentials at all',
      { host: 'gitea.internal' },
      'https://gitea.internal/team/app.git',
      'imageAutomation.git.hosts[0] (gitea.internal) has neither ssh nor https credentials',
    ],
    [
      'an ssh URL on an https-only host',
      {
        host: 'gitea.internal',
        https: { username: 'bot', token: 't0ken-value' },
      },
      'git@gitea.internal:team/app.git',
      'gitea.internal/team/app is an SSH URL, but the imageAutomation.git.hosts entry for gitea.internal has no ssh credentials',
    ],
    [
      'an https URL on an ssh-only host',
      { host: 'git.internal', ssh: { privateKey: KEY, knownHosts: KNOWN } },
      'https://git.internal/team/app.git',
      'git.internal/team/app is an https URL, but the imageAutomation.git.hosts entry for git.internal has no https credentials',
    ],
  ])(
    '%s is a config problem on the repository',
    async (_, entry, url, message) => {
      const logger = capturingLogger();
      const git = adapter([entry], logger);
      expect(git.serves(at(url))).toBe(true);
      const error = await git.open(at(url)).catch(e => e);
      expect(error).toBeInstanceOf(GitError);
      expect(error.kind).toBe('git-no-integration');
      expect(error.message).toContain(message);
      expect(logger.text()).not.toContain(
        'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ',
      );
      expect(logger.text()).not.toContain('t0ken-value');
    },
  );

  it('warns at start about a broken entry', () => {
    const logger = capturingLogger();
    adapter([{ host: 'git.internal:2222', ssh: { privateKey: KEY } }], logger);
    expect(logger.text()).toContain('has no ssh.knownHosts');
    expect(logger.text()).not.toContain(
      'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ',
    );
  });

  it('removes key files a killed process left behind, but not those of a command running now', () => {
    const keys = join(workingDirectory, 'image-automation', 'git', 'keys');
    for (const name of ['ssh-old', 'ssh-running']) {
      mkdirSync(join(keys, name), { recursive: true });
      writeFileSync(join(keys, name, 'deploy_key'), KEY);
    }
    const twoHoursAgo = (Date.now() - 2 * 60 * 60_000) / 1000;
    utimesSync(join(keys, 'ssh-old'), twoHoursAgo, twoHoursAgo);
    adapter([]);
    expect(existsSync(join(keys, 'ssh-old'))).toBe(false);
    expect(existsSync(join(keys, 'ssh-running', 'deploy_key'))).toBe(true);
  });
});
