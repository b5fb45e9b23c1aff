import {
  createHash,
  createPrivateKey,
  createPublicKey,
  KeyObject,
  randomUUID,
  sign,
} from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One `access` claim entry of a distribution registry token. */
export interface TokenAccess {
  type: string;
  name: string;
  actions: string[];
}

/** An EC P-256 key and its self-signed certificate, made with openssl. */
export interface SigningKey {
  privateKey: KeyObject;
  certPath: string;
  /** The libtrust key id the registry derives from the certificate. */
  keyId: string;
}

export function createSigningKey(dir: string): SigningKey {
  const keyPath = join(dir, 'token.key');
  const certPath = join(dir, 'token.crt');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '2',
      '-subj',
      '/CN=image-automation-test-token-issuer',
    ],
    { stdio: 'ignore' },
  );
  const privateKey = createPrivateKey(readFileSync(keyPath));
  return {
    privateKey,
    certPath,
    keyId: libtrustKeyId(createPublicKey(privateKey)),
  };
}

/**
 * Registry 2.8 finds the signing key by `kid` among the keys of its root
 * certificates, named libtrust-style: base32 of the first 240 bits of the
 * SHA-256 of the DER public key, in 12 groups of 4 joined by ':'.
 */
export function libtrustKeyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const hash = createHash('sha256').update(der).digest().subarray(0, 30);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const byte of hash) bits += byte.toString(2).padStart(8, '0');
  let encoded = '';
  for (let i = 0; i < bits.length; i += 5)
    encoded += alphabet[parseInt(bits.slice(i, i + 5), 2)];
  return encoded.match(/.{4}/g)!.join(':');
}

const b64url = (data: Buffer | string) =>
  Buffer.from(data).toString('base64url');

/** A registry bearer token (JWT, ES256) granting `access`. */
export function signRegistryToken(options: {
  key: SigningKey;
  issuer: string;
  service: string;
  subject: string;
  access: TokenAccess[];
  expiresInSeconds: number;
}): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'ES256', typ: 'JWT', kid: options.key.keyId };
  const claims = {
    iss: options.issuer,
    sub: options.subject,
    aud: options.service,
    iat: now,
    nbf: now - 10,
    exp: now + options.expiresInSeconds,
    jti: randomUUID(),
    access: options.access,
  };
  const input = `${b64url(JSON.stringify(header))}.${b64url(
    JSON.stringify(claims),
  )}`;
  const signature = sign('sha256', Buffer.from(input), {
    key: options.key.privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return `${input}.${b64url(signature)}`;
}
