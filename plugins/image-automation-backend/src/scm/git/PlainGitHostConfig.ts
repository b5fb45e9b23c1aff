import { Config } from '@backstage/config';

/** Credentials of one `imageAutomation.git.hosts` entry. */
export interface PlainGitHost {
  /** `host` or `host:port`, lower-cased: compared with the repository URL's host. */
  host: string;
  ssh?: { privateKey: string; knownHosts: string };
  https?: { username: string; token: string };
  /** What is wrong with the entry, said to the card of every repository on the host. */
  problem?: string;
}

/**
 * Reads `imageAutomation.git.hosts`. A broken entry is kept with its problem,
 * so that its repositories say what to fix instead of "no Git host".
 */
export function readPlainGitHosts(config: Config): PlainGitHost[] {
  const entries =
    config.getOptionalConfigArray('imageAutomation.git.hosts') ?? [];
  return entries.map((entry, index) => {
    const host = entry.getString('host').trim().toLowerCase();
    const where = `imageAutomation.git.hosts[${index}] (${host})`;
    const ssh = entry.getOptionalConfig('ssh');
    const https = entry.getOptionalConfig('https');
    const problems: string[] = [];
    const result: PlainGitHost = { host };
    if (ssh) {
      const privateKey = ssh.getOptionalString('privateKey');
      const knownHosts = ssh.getOptionalString('knownHosts');
      if (!privateKey?.trim()) {
        problems.push(
          `${where} has ssh but no ssh.privateKey: set it to the deploy key (an OpenSSH private key without passphrase)`,
        );
      }
      if (!knownHosts?.trim()) {
        problems.push(
          `${where} has no ssh.knownHosts: host keys are always checked; set it to the server's known_hosts line (\`ssh-keyscan${portOption(
            host,
          )} ${hostName(
            host,
          )}\` prints it; compare it with the server's own key)`,
        );
      }
      if (privateKey?.trim() && knownHosts?.trim()) {
        result.ssh = { privateKey, knownHosts };
      }
    }
    if (https) {
      const username = https.getOptionalString('username');
      const token = https.getOptionalString('token');
      if (!username?.trim() || !token?.trim()) {
        problems.push(
          `${where} needs both https.username and https.token (a token with read and write access to the repositories)`,
        );
      } else {
        result.https = { username, token };
      }
    }
    if (!ssh && !https) {
      problems.push(
        `${where} has neither ssh nor https credentials: add ssh { privateKey, knownHosts } or https { username, token }`,
      );
    }
    if (problems.length) result.problem = problems.join('; ');
    return result;
  });
}

function hostName(host: string): string {
  return host.replace(/:\d+$/, '');
}

function portOption(host: string): string {
  const port = /:(\d+)$/.exec(host)?.[1];
  return port ? ` -p ${port}` : '';
}
