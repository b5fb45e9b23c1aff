import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** An OpenSSH key pair, as a deploy key is configured and authorised. */
export interface DeployKey {
  /** The OpenSSH private key (`-----BEGIN OPENSSH PRIVATE KEY-----`…). */
  privateKey: string;
  /** The `ssh-ed25519 AAAA… comment` line. */
  publicKey: string;
}

/** A fresh ed25519 key without passphrase, made by `ssh-keygen`. */
export function generateDeployKey(
  comment = 'image-automation-test',
): DeployKey {
  const dir = mkdtempSync(join(tmpdir(), 'ia-deploy-key-'));
  try {
    const file = join(dir, 'key');
    execFileSync('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-C',
      comment,
      '-f',
      file,
    ]);
    return {
      privateKey: readFileSync(file, 'utf8'),
      publicKey: readFileSync(`${file}.pub`, 'utf8').trim(),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
