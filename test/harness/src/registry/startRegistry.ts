import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildImage,
  buildIndex,
  ImageContent,
  ImageOptions,
  Platform,
  sha256 as sha,
} from './images';
import { createSigningKey, signRegistryToken, SigningKey } from './jwt';
import { freePort } from './ports';
import { startTokenServer, TokenServer } from './tokenServer';

export type RegistryAuthMode = 'none' | 'htpasswd' | 'token';

export interface StartRegistryOptions {
  auth?: RegistryAuthMode;
  /** Users for htpasswd and token auth. Default `{ admin: 'admin-secret' }`. */
  users?: Record<string, string>;
  /** Token auth: repositories an anonymous token may pull. */
  anonymousPull?: (repository: string) => boolean;
  /** Serve this existing storage directory instead of a fresh temp one. */
  storageDir?: string;
  /** Push notifications (`notifications.endpoints`) to one endpoint. */
  notifications?: RegistryNotificationsEndpoint;
}

/** One `notifications.endpoints` entry of the registry's config. */
export interface RegistryNotificationsEndpoint {
  url: string;
  /** Sent with every event, e.g. `{ Authorization: 'Bearer …' }`. */
  headers?: Record<string, string>;
  /** Default 1 s: a failing endpoint is retried after this long. */
  backoff?: string;
  /** Actions the registry does not send, e.g. `['pull']`. */
  ignoreActions?: string[];
  /** Media types not sent, e.g. `['application/octet-stream']` (blob uploads). */
  ignoreMediaTypes?: string[];
}

export interface PushOptions extends ImageOptions {
  /** Push an index (OCI) or manifest list (Docker) over the manifest, as multi-arch builds do. */
  index?: boolean;
  /**
   * A multi-arch image: one manifest per platform under an index, each with
   * its own options (its `created`, say) over the shared ones. Implies `index`.
   */
  platforms?: Array<Platform & Omit<ImageOptions, 'platform' | 'format'>>;
}

export interface StartedRegistry {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT`, as in image references. */
  host: string;
  auth: RegistryAuthMode;
  users: Record<string, string>;
  storageDir: string;
  /** The token server, in token mode. */
  tokenServer?: TokenServer;
  /** Pushes a tiny image and tags it; returns the tag's manifest digest. */
  pushImage(
    repository: string,
    tag: string,
    options?: PushOptions,
  ): Promise<string>;
  /** Tags one manifest many times (blobs uploaded once). */
  pushTags(
    repository: string,
    tags: string[],
    options?: PushOptions,
  ): Promise<string>;
  /** Deletes a manifest, and with it every tag that points to it. */
  deleteManifest(repository: string, digest: string): Promise<void>;
  stop(): Promise<void>;
}

const SERVICE = 'harness-registry';
const ISSUER = 'harness-token-issuer';

/**
 * Starts the CNCF distribution registry (Debian `docker-registry`, 2.8) on
 * 127.0.0.1 with filesystem storage in a temp dir, optionally behind
 * htpasswd or token auth. Seeding goes through the registry's HTTP API.
 */
export async function startRegistry(
  options: StartRegistryOptions = {},
): Promise<StartedRegistry> {
  const auth = options.auth ?? 'none';
  const users = options.users ?? { admin: 'admin-secret' };
  const workDir = mkdtempSync(join(tmpdir(), 'ia-registry-'));
  const storageDir = options.storageDir ?? join(workDir, 'storage');
  let tokenServer: TokenServer | undefined;
  let key: SigningKey | undefined;
  let authConfig = '';
  if (auth === 'htpasswd') {
    const lines = Object.entries(users).map(([user, password]) =>
      execFileSync('htpasswd', ['-Bbn', user, password]).toString().trim(),
    );
    writeFileSync(join(workDir, 'htpasswd'), `${lines.join('\n')}\n`);
    authConfig = `auth:\n  htpasswd:\n    realm: harness\n    path: ${join(
      workDir,
      'htpasswd',
    )}\n`;
  } else if (auth === 'token') {
    key = createSigningKey(workDir);
    tokenServer = await startTokenServer({
      key,
      issuer: ISSUER,
      service: SERVICE,
      users,
      anonymousPull: options.anonymousPull,
    });
    authConfig =
      `auth:\n  token:\n    realm: ${tokenServer.realm}\n    service: ${SERVICE}\n` +
      `    issuer: ${ISSUER}\n    rootcertbundle: ${key.certPath}\n`;
  }

  let child: ChildProcess | undefined;
  let port = 0;
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freePort();
    const configPath = join(workDir, 'config.yml');
    writeFileSync(
      configPath,
      [
        `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n`,
        `storage:\n  filesystem:\n    rootdirectory: ${storageDir}\n  delete:\n    enabled: true\n`,
        `http:\n  addr: 127.0.0.1:${port}\n  secret: harness-secret\n${authConfig}`,
        notificationsConfig(options.notifications),
      ].join(''),
    );
    const started = spawn('docker-registry', ['serve', configPath], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    started.stderr?.on(
      'data',
      chunk => (stderr = (stderr + chunk).slice(-4000)),
    );
    if (await waitUntilUp(`http://127.0.0.1:${port}/v2/`, started))
      child = started;
    else {
      started.kill('SIGKILL');
      if (attempt === 4)
        throw new Error(`docker-registry did not start: ${stderr}`);
    }
  }
  const url = `http://127.0.0.1:${port}`;

  const adminAuth = (repository: string): Record<string, string> => {
    const [name, password] = Object.entries(users)[0];
    if (auth === 'htpasswd') {
      return {
        authorization: `Basic ${Buffer.from(`${name}:${password}`).toString(
          'base64',
        )}`,
      };
    }
    if (auth === 'token' && key) {
      const token = signRegistryToken({
        key,
        issuer: ISSUER,
        service: SERVICE,
        subject: name,
        access: [
          {
            type: 'repository',
            name: repository,
            actions: ['pull', 'push', 'delete', '*'],
          },
        ],
        expiresInSeconds: 600,
      });
      return { authorization: `Bearer ${token}` };
    }
    return {};
  };

  const uploadBlob = async (
    repository: string,
    blob: Buffer,
    digest: string,
  ) => {
    const headers = adminAuth(repository);
    const start = await fetch(`${url}/v2/${repository}/blobs/uploads/`, {
      method: 'POST',
      headers,
    });
    await expectStatus(start, 202, `start blob upload to ${repository}`);
    const location = new URL(start.headers.get('location')!, url);
    location.searchParams.set('digest', digest);
    const put = await fetch(location, {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(blob),
    });
    await expectStatus(put, 201, `upload blob ${digest} to ${repository}`);
  };

  const putManifest = async (
    repository: string,
    reference: string,
    body: Buffer,
    mediaType: string,
  ) => {
    const res = await fetch(`${url}/v2/${repository}/manifests/${reference}`, {
      method: 'PUT',
      headers: { ...adminAuth(repository), 'content-type': mediaType },
      body: new Uint8Array(body),
    });
    await expectStatus(res, 201, `put manifest ${repository}:${reference}`);
  };

  const uploadImage = async (repository: string, image: ImageContent) => {
    await uploadBlob(repository, image.layer, sha(image.layer));
    await uploadBlob(repository, image.config, sha(image.config));
  };

  const pushTags = async (
    repository: string,
    tags: string[],
    pushOptions: PushOptions = {},
  ) => {
    const { platforms, index: wantsIndex, ...shared } = pushOptions;
    const images = platforms
      ? platforms.map(({ os, architecture, variant, ...own }) =>
          buildImage({
            ...shared,
            ...own,
            platform: { os, architecture, ...(variant ? { variant } : {}) },
          }),
        )
      : [buildImage(shared)];
    for (const image of images) await uploadImage(repository, image);
    let body = images[0].manifest;
    let mediaType = images[0].mediaType;
    let digest = images[0].manifestDigest;
    if (wantsIndex || platforms) {
      for (const image of images) {
        await putManifest(
          repository,
          image.manifestDigest,
          image.manifest,
          image.mediaType,
        );
      }
      const index = buildIndex(images, shared.format);
      body = index.index;
      mediaType = index.mediaType;
      digest = index.digest;
    }
    // bounded parallelism: the registry's filesystem driver is the bottleneck
    const queue = [...tags];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let tag = queue.shift(); tag !== undefined; tag = queue.shift()) {
          await putManifest(repository, tag, body, mediaType);
        }
      }),
    );
    return digest;
  };

  return {
    url,
    host: `127.0.0.1:${port}`,
    auth,
    users,
    storageDir,
    tokenServer,
    pushTags,
    pushImage: (repository, tag, pushOptions) =>
      pushTags(repository, [tag], pushOptions),
    async deleteManifest(repository, digest) {
      const res = await fetch(`${url}/v2/${repository}/manifests/${digest}`, {
        method: 'DELETE',
        headers: adminAuth(repository),
      });
      await expectStatus(res, 202, `delete ${repository}@${digest}`);
    },
    async stop() {
      // A child killed by a signal keeps exitCode null: signalCode says it is gone.
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise(resolve => child!.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child!.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      await tokenServer?.stop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

function notificationsConfig(
  endpoint: RegistryNotificationsEndpoint | undefined,
): string {
  if (!endpoint) return '';
  const lines = [
    'notifications:',
    '  endpoints:',
    '    - name: harness',
    `      url: ${JSON.stringify(endpoint.url)}`,
    '      timeout: 2s',
    '      threshold: 3',
    `      backoff: ${endpoint.backoff ?? '1s'}`,
  ];
  const headers = Object.entries(endpoint.headers ?? {});
  if (headers.length > 0) {
    lines.push('      headers:');
    for (const [name, value] of headers)
      lines.push(`        ${name}: [${JSON.stringify(value)}]`);
  }
  if (endpoint.ignoreActions || endpoint.ignoreMediaTypes) {
    lines.push('      ignore:');
    if (endpoint.ignoreMediaTypes) {
      lines.push('        mediatypes:');
      for (const type of endpoint.ignoreMediaTypes)
        lines.push(`          - ${JSON.stringify(type)}`);
    }
    if (endpoint.ignoreActions) {
      lines.push('        actions:');
      for (const action of endpoint.ignoreActions)
        lines.push(`          - ${JSON.stringify(action)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

async function expectStatus(
  res: Response,
  status: number,
  what: string,
): Promise<void> {
  if (res.status === status) {
    await res.arrayBuffer();
    return;
  }
  throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
}

async function waitUntilUp(url: string, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200 || res.status === 401) return true;
    } catch {
      // not listening yet
    }
    await new Promise(resolve => setTimeout(resolve, 50));
  }
  return false;
}
