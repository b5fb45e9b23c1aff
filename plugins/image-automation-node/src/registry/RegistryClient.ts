import { createHash } from 'node:crypto';
import { Config } from '@backstage/config';
import {
  DEFAULT_PLATFORM,
  ImagePlatform,
  formatPlatform,
} from '@image-automation/plugin-image-automation-common';
import {
  RegistryConfigEntry,
  guessRegistryType,
  readRegistriesConfig,
} from './config';
import {
  CredentialsResolver,
  RegistryCredentialsProvider,
} from './auth/credentials';
import {
  RegistryAuthenticator,
  RegistryTarget,
  knownRealmHosts,
} from './auth/RegistryAuthenticator';
import { RegistryBadResponseError, RegistryNotFoundError } from './errors';
import { HostGuard, hostnameOf } from './guard/HostGuard';
import {
  HttpResponse,
  RegistryHttp,
  RegistryRequestEvent,
} from './http/RegistryHttp';
import { MANIFEST_ACCEPT, isIndexMediaType } from './mediaTypes';

/**
 * The part of an image reference the registry client needs; the
 * `ImageReference` of `-common` fits it.
 *
 * @public
 */
export interface RegistryImage {
  /** e.g. `docker.io`, `ghcr.io`, `registry.internal:5000`. */
  registry: string;
  /** e.g. `library/nginx`, `acme/api`. */
  repository: string;
}

/** @public */
export interface TagList {
  registry: string;
  repository: string;
  /** In the order the registry listed them; policies must not rely on it. */
  tags: string[];
  /** Pages fetched (one for registries that return everything at once). */
  pages: number;
}

/**
 * What one manifest read tells about a tag: its digest, and when the image
 * of the asked platform was built.
 *
 * @public
 */
export interface ImageInspection {
  /** The tag's manifest digest (of the index, for multi-arch tags). */
  digest: string;
  /** The digest of the platform's image manifest, when the tag is an index. */
  platformDigest?: string;
  /** When the platform's image was built; undefined with `problem` saying why. */
  created?: Date;
  problem?: string;
}

/** @public */
export interface InspectOptions {
  /** Whose build time a multi-arch tag reports. Default linux/amd64. */
  platform?: ImagePlatform;
}

/** @public */
export interface RegistryClientStats {
  /** HTTP requests sent: every attempt, token request and redirect hop. */
  requests: number;
  retries: number;
  byHost: Record<string, number>;
}

/** @public */
export interface RegistryClientOptions {
  registries?: RegistryConfigEntry[];
  providers?: RegistryCredentialsProvider[];
  /** Replaces the public registries contacted without a config entry. */
  defaultAllowedHosts?: readonly string[];
  /** Per attempt. Default 15 s. */
  timeoutMs?: number;
  /** Default 3. */
  retries?: number;
  /** Default 250 ms, doubling per retry with jitter, at most `backoffMaxMs`. */
  backoffBaseMs?: number;
  /** Default 5 s. */
  backoffMaxMs?: number;
  /** A 429 asking for a longer wait fails at once. Default 30 s. */
  maxRetryAfterMs?: number;
  /** Requests in flight across all registries. Default 32. */
  globalConcurrency?: number;
  /** Per registry host unless its entry says otherwise. Default 8. */
  hostConcurrency?: number;
  /** `n` asked of registries that paginate. Default 1000. */
  pageSize?: number;
  /** Safety stop for runaway `Link` chains. Default 1000 pages. */
  maxPages?: number;
  /** Called for every HTTP request sent. */
  onRequest?: (event: RegistryRequestEvent) => void;
  /** For tests: replaces Math.random in backoff jitter. */
  random?: () => number;
}

/** Tags kept from one repository's listing, across all its pages. */
const MAX_TAGS = 100_000;

/** Docker Hub's API and its short names. */
const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_API = 'registry-1.docker.io';
/** Builders that want reproducible images pin `created` to these epochs. */
const PINNED_CREATED_BEFORE = Date.UTC(1990, 0, 1);

/**
 * An OCI distribution (Docker v2) registry client: tag lists with
 * pagination, manifest digests and image creation times, for Docker Hub,
 * GHCR, Quay, Harbor, GitLab, ECR, GAR/GCR, ACR and generic registries.
 * Concurrent scans of the same repository share one request chain.
 *
 * @public
 */
export class RegistryClient {
  private readonly entries: RegistryConfigEntry[];
  private readonly http: RegistryHttp;
  private readonly auth: RegistryAuthenticator;
  private readonly pageSize: number;
  private readonly maxPages: number;
  private readonly inFlight = new Map<string, Promise<TagList>>();

  static fromConfig(
    config: Config,
    options: Omit<RegistryClientOptions, 'registries'> = {},
  ): RegistryClient {
    return new RegistryClient({
      ...options,
      registries: readRegistriesConfig(config),
    });
  }

  constructor(options: RegistryClientOptions = {}) {
    this.entries = options.registries ?? [];
    const hostConcurrency = options.hostConcurrency ?? 8;
    this.http = new RegistryHttp({
      guard: new HostGuard({
        configuredHosts: this.entries.map(e => e.host),
        defaultHosts: options.defaultAllowedHosts,
      }),
      timeoutMs: options.timeoutMs ?? 15_000,
      retries: options.retries ?? 3,
      backoffBaseMs: options.backoffBaseMs ?? 250,
      backoffMaxMs: options.backoffMaxMs ?? 5_000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
      globalConcurrency: options.globalConcurrency ?? 32,
      hostConcurrency: host =>
        this.entryFor(host === DOCKER_HUB_API ? DOCKER_HUB : host)
          ?.concurrency ?? hostConcurrency,
      maxBodyBytes: 32 * 1024 * 1024,
      onRequest: options.onRequest,
      random: options.random,
    });
    this.auth = new RegistryAuthenticator(
      this.http,
      new CredentialsResolver(options.providers ?? []),
    );
    this.pageSize = options.pageSize ?? 1000;
    this.maxPages = options.maxPages ?? 1000;
  }

  /** Requests sent so far, for metrics and benchmarks. */
  stats(): RegistryClientStats {
    return this.http.stats();
  }

  /** Closes pooled connections. */
  close(): Promise<void> {
    return this.http.close();
  }

  /**
   * Every tag of a repository, following `Link` pagination. A repository
   * whose tags were all deleted lists `tags: null`; that is an empty list.
   */
  listTags(image: RegistryImage): Promise<TagList> {
    const { registry, repository } = normalise(image);
    const key = `${registry}/${repository}`;
    const running = this.inFlight.get(key);
    if (running) return running;
    const scan = this.scanTags(registry, repository).finally(() =>
      this.inFlight.delete(key),
    );
    this.inFlight.set(key, scan);
    return scan;
  }

  /** The manifest digest a tag points to (of the index, for multi-arch). */
  async getDigest(image: RegistryImage, tag: string): Promise<string> {
    const { registry, repository } = normalise(image);
    const target = this.target(registry, repository, `${repository}:${tag}`);
    // HEAD does not count against Docker Hub's pull allowance; GET does.
    const head = await this.request(
      target,
      'HEAD',
      manifestPath(repository, tag),
    );
    const digest = head.headers['docker-content-digest'];
    if (head.status === 200 && digest?.startsWith('sha256:')) return digest;
    const manifest = await this.fetchManifest(target, repository, tag);
    return manifest.digest;
  }

  /**
   * When the image behind a tag was built: the config blob's `created`, or
   * the `org.opencontainers.image.created` annotation when the builder pinned
   * `created` to 1970/1980 for reproducibility. Undefined when neither says.
   * For an index, the image of `options.platform` (default linux/amd64).
   */
  async getCreated(
    image: RegistryImage,
    tag: string,
    options: InspectOptions = {},
  ): Promise<Date | undefined> {
    return (await this.inspect(image, tag, options)).created;
  }

  /**
   * The digest of a tag and the build time of its image, from one manifest
   * GET (two for an index) and one config blob GET. `reference` is a tag or
   * a digest. A tag without a readable build time is not an error: the
   * inspection says why in `problem`.
   */
  async inspect(
    image: RegistryImage,
    reference: string,
    options: InspectOptions = {},
  ): Promise<ImageInspection> {
    const { registry, repository } = normalise(image);
    const subject = reference.startsWith('sha256:')
      ? `${repository}@${reference}`
      : `${repository}:${reference}`;
    const target = this.target(registry, repository, subject);
    let manifest = await this.fetchManifest(target, repository, reference);
    const inspection: ImageInspection = { digest: manifest.digest };
    const annotated = [readAnnotationDate(manifest.json)];
    if (isIndexMediaType(manifest.mediaType)) {
      const platform = options.platform ?? DEFAULT_PLATFORM;
      const child = pickPlatform(manifest.json, platform);
      if (typeof child !== 'string')
        return { ...inspection, problem: child.problem };
      manifest = await this.fetchManifest(target, repository, child);
      inspection.platformDigest = child;
      annotated.unshift(readAnnotationDate(manifest.json));
    }
    const configDigest = (
      manifest.json.config as { digest?: unknown } | undefined
    )?.digest;
    if (typeof configDigest !== 'string') {
      throw new RegistryBadResponseError(
        registry,
        `manifest of ${subject} has no config`,
      );
    }
    const blob = await this.request(
      target,
      'GET',
      `/v2/${repository}/blobs/${configDigest}`,
      {
        allowUnlistedRedirects: true,
      },
    );
    this.expectOk(blob, target);
    const created = parseDate(
      parseJson(blob.body, registry, 'config blob').created,
    );
    if (created && created.getTime() >= PINNED_CREATED_BEFORE)
      return { ...inspection, created };
    const fromAnnotation = annotated.find(d => d !== undefined);
    if (fromAnnotation) return { ...inspection, created: fromAnnotation };
    return {
      ...inspection,
      problem: created
        ? `the image config's created time is pinned to ${created.toISOString()} (a reproducible build) and no org.opencontainers.image.created annotation says when it was built`
        : 'the image config has no created time and no org.opencontainers.image.created annotation',
    };
  }

  private async scanTags(
    registry: string,
    repository: string,
  ): Promise<TagList> {
    const target = this.target(registry, repository, repository);
    const tags: string[] = [];
    let path = `/v2/${repository}/tags/list?n=${this.pageSize}`;
    let pages = 0;
    for (;;) {
      const response = await this.request(target, 'GET', path);
      this.expectOk(response, target);
      pages++;
      const body = parseJson(response.body, registry, 'tag list');
      if (body.tags !== null && body.tags !== undefined) {
        if (
          !Array.isArray(body.tags) ||
          body.tags.some(t => typeof t !== 'string')
        ) {
          throw new RegistryBadResponseError(
            registry,
            `tag list of ${repository} is not a list of strings`,
          );
        }
        tags.push(...(body.tags as string[]));
        if (tags.length > MAX_TAGS) {
          // Each page is size-capped; this caps what a hostile registry can
          // make the backend hold across pages.
          throw new RegistryBadResponseError(
            registry,
            `${repository} lists more than ${MAX_TAGS} tags; narrow the repository or prune its tags`,
          );
        }
      }
      const next = nextLink(response.headers.link);
      if (!next) break;
      const url = new URL(next, response.url);
      if (url.origin !== response.url.origin) {
        throw new RegistryBadResponseError(
          registry,
          `tag list Link points to another host (${url.host})`,
        );
      }
      if (pages >= this.maxPages) {
        throw new RegistryBadResponseError(
          registry,
          `tag list of ${repository} goes on past ${this.maxPages} pages`,
        );
      }
      path = url.pathname + url.search;
    }
    return { registry, repository, tags, pages };
  }

  private async fetchManifest(
    target: RegistryTarget,
    repository: string,
    reference: string,
  ): Promise<{
    digest: string;
    mediaType: string;
    json: Record<string, unknown>;
  }> {
    const response = await this.request(
      target,
      'GET',
      manifestPath(repository, reference),
      {
        rateLimited: true,
      },
    );
    this.expectOk(response, target);
    const json = parseJson(response.body, target.registry, 'manifest');
    const mediaType =
      (typeof json.mediaType === 'string' && json.mediaType) ||
      response.headers['content-type']?.split(';')[0] ||
      '';
    const digest =
      response.headers['docker-content-digest'] ??
      `sha256:${createHash('sha256').update(response.body).digest('hex')}`;
    return { digest, mediaType, json };
  }

  private request(
    target: RegistryTarget,
    method: 'GET' | 'HEAD',
    path: string,
    options: { allowUnlistedRedirects?: boolean; rateLimited?: boolean } = {},
  ): Promise<HttpResponse> {
    const scheme = target.entry?.insecure ? 'http' : 'https';
    const isManifest = path.includes('/manifests/');
    return this.auth.send(target, {
      method,
      url: new URL(`${scheme}://${target.apiHost}${path}`),
      headers: isManifest
        ? { accept: MANIFEST_ACCEPT }
        : { accept: 'application/json' },
      allowUnlistedRedirects: options.allowUnlistedRedirects,
      rateLimitKey:
        options.rateLimited && target.entry?.type === 'dockerhub'
          ? target.apiHost
          : undefined,
    });
  }

  private expectOk(response: HttpResponse, target: RegistryTarget): void {
    if (response.status === 200) return;
    if (response.status === 404)
      throw new RegistryNotFoundError(target.registry, target.subject);
    throw new RegistryBadResponseError(
      target.registry,
      `HTTP ${response.status} for ${target.subject}`,
    );
  }

  private target(
    registry: string,
    repository: string,
    subject: string,
  ): RegistryTarget {
    const entry = this.entryFor(registry) ?? this.implicitEntry(registry);
    return {
      registry,
      apiHost: registry === DOCKER_HUB ? DOCKER_HUB_API : registry,
      entry,
      scope: `repository:${repository}:pull`,
      trustedRealmHosts: [
        ...knownRealmHosts(entry.type),
        ...entry.tokenRealmHosts,
      ],
      subject,
    };
  }

  private entryFor(host: string): RegistryConfigEntry | undefined {
    const lower = host.toLowerCase();
    return (
      this.entries.find(e => e.host === lower) ??
      this.entries.find(e => e.host === hostnameOf(lower))
    );
  }

  /** Public registries used without a config entry: anonymous access. */
  private implicitEntry(registry: string): RegistryConfigEntry {
    return {
      host: registry,
      type: guessRegistryType(registry),
      insecure: false,
      tokenRealmHosts: [],
    };
  }
}

function normalise(image: RegistryImage): RegistryImage {
  const registry = image.registry.toLowerCase();
  const repository =
    registry === DOCKER_HUB && !image.repository.includes('/')
      ? `library/${image.repository}`
      : image.repository;
  return { registry, repository };
}

function manifestPath(repository: string, reference: string): string {
  return `/v2/${repository}/manifests/${encodeURIComponent(reference).replace(
    /%3A/g,
    ':',
  )}`;
}

/** The `rel="next"` target of a `Link` header. */
export function nextLink(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /<([^>]*)>\s*;(.*)$/.exec(part.trim());
    if (match && /\brel="?next"?/i.test(match[2])) return match[1];
  }
  return undefined;
}

function parseJson(
  body: Buffer,
  registry: string,
  what: string,
): Record<string, unknown> {
  try {
    const value = JSON.parse(body.toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value))
      return value;
  } catch {
    // reported below
  }
  throw new RegistryBadResponseError(registry, `${what} is not a JSON object`);
}

function parseDate(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function readAnnotationDate(json: Record<string, unknown>): Date | undefined {
  const annotations = json.annotations as Record<string, unknown> | undefined;
  const date = parseDate(annotations?.['org.opencontainers.image.created']);
  return date && date.getTime() >= PINNED_CREATED_BEFORE ? date : undefined;
}

/** The digest of the index's image for `platform`, or why there is none. */
function pickPlatform(
  index: Record<string, unknown>,
  platform: ImagePlatform,
): string | { problem: string } {
  const manifests = Array.isArray(index.manifests)
    ? (index.manifests as Array<{
        digest?: unknown;
        platform?: { os?: string; architecture?: string; variant?: string };
      }>)
    : [];
  // Attestation manifests sit in indexes as platform unknown/unknown.
  const images = manifests.filter(
    m => typeof m.digest === 'string' && m.platform?.os !== 'unknown',
  );
  const chosen = images.find(
    m =>
      m.platform?.os === platform.os &&
      m.platform?.architecture === platform.architecture &&
      (platform.variant === undefined ||
        m.platform?.variant === platform.variant),
  );
  if (chosen) return chosen.digest as string;
  const listed = images
    .filter(m => m.platform?.os && m.platform?.architecture)
    .map(m =>
      formatPlatform({
        os: m.platform!.os!,
        architecture: m.platform!.architecture!,
        variant: m.platform!.variant,
      }),
    );
  return {
    problem: `the image index has no ${formatPlatform(platform)} image (${
      listed.length ? `it has ${listed.join(', ')}` : 'it lists no images'
    }); set the policy's platform to one of those`,
  };
}
