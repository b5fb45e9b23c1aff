import { LoggerService } from '@backstage/backend-plugin-api';
import {
  DEFAULT_PLATFORM,
  ImagePlatform,
  ImageReference,
  TagFacts,
  formatPlatform,
  parsePlatform,
} from '@image-automation/plugin-image-automation-common';
import { RegistryClient } from '@image-automation/plugin-image-automation-node';
import {
  BuildTime,
  RegistryFactsStore,
  TagDigest,
} from '../database/RegistryFactsStore';

/** Tags whose image is read from the registry per repository and scan, by default. */
export const DEFAULT_MAX_NEW_INSPECTIONS = 20;
/** Registry requests in flight per repository while inspecting. */
const PARALLEL_INSPECTIONS = 4;

export interface BuildTimeRequest {
  image: Pick<ImageReference, 'registry' | 'repository'>;
  /** `registry/path`: the store's key. */
  repository: string;
  /** The tags the policy's filter allows, with when each was first seen. */
  tags: Record<string, number>;
  /** `os/arch[/variant]`; default linux/amd64. */
  platform?: string;
}

/**
 * When the image behind each tag was built, for newest-build ordering.
 * Each digest's config is read once and kept, never read again; a tag's
 * digest is read once too (refreshed by push events). Tags not yet read
 * wait for later scans beyond `maxNewInspections` per scan, newest first,
 * so a repository with thousands of old tags cannot flood its registry.
 */
export class BuildTimeResolver {
  private readonly maxNewInspections: number;

  constructor(
    private readonly options: {
      registry: RegistryClient;
      facts: RegistryFactsStore;
      logger: LoggerService;
      now: () => number;
      maxNewInspections?: number;
    },
  ) {
    this.maxNewInspections =
      options.maxNewInspections ?? DEFAULT_MAX_NEW_INSPECTIONS;
  }

  async resolve(request: BuildTimeRequest): Promise<TagFacts> {
    const { facts } = this.options;
    const parsed = parsePlatform(request.platform ?? '');
    const platform = typeof parsed === 'string' ? DEFAULT_PLATFORM : parsed;
    const platformKey = formatPlatform(platform);
    const tags = Object.keys(request.tags);
    const digests = await facts.getTagDigests(request.repository);
    const times = await facts.getBuildTimes(
      request.repository,
      platformKey,
      [...digests.values()].map(d => d.digest),
    );

    const created: Record<string, number> = {};
    const createdUnknown: Record<string, string> = {};
    const toInspect: string[] = [];
    for (const tag of tags) {
      const digest = digests.get(tag)?.digest;
      const time = digest ? times.get(digest) : undefined;
      if (!time) toInspect.push(tag);
      else record(tag, time, created, createdUnknown);
    }
    // Newly seen tags first: the newest build is most likely among them.
    toInspect.sort(
      (a, b) => request.tags[b] - request.tags[a] || descendingBytes(a, b),
    );
    const inspectNow = toInspect.slice(0, this.maxNewInspections);
    for (const tag of toInspect.slice(this.maxNewInspections)) {
      createdUnknown[
        tag
      ] = `its build time is not read yet: at most ${this.maxNewInspections} images are inspected per scan, the rest follow in the next scans`;
    }

    const work: Inspection = {
      request,
      platform,
      platformKey,
      times,
      reading: new Map(),
      newDigests: [],
      newTimes: [],
    };
    let stopped: string | undefined;
    const queue = [...inspectNow];
    await Promise.all(
      Array.from({ length: PARALLEL_INSPECTIONS }, async () => {
        for (let tag = queue.shift(); tag !== undefined; tag = queue.shift()) {
          if (stopped) {
            createdUnknown[
              tag
            ] = `its build time could not be read: ${stopped}`;
            continue;
          }
          try {
            const time = await this.inspect(
              work,
              tag,
              digests.get(tag)?.digest,
            );
            record(tag, time, created, createdUnknown);
          } catch (error) {
            const message = (error as Error).message;
            createdUnknown[
              tag
            ] = `its build time could not be read: ${message}`;
            // A tag deleted since the listing is its own problem; anything
            // else (rate limits, outages) would fail the rest the same way.
            if ((error as { kind?: string }).kind !== 'not-found') {
              stopped = message;
            }
          }
        }
      }),
    );
    if (work.newDigests.length > 0)
      await facts.saveTagDigests(request.repository, work.newDigests);
    if (work.newTimes.length > 0)
      await facts.saveBuildTimes(request.repository, work.newTimes);
    return { created, createdUnknown };
  }

  /** One tag: its digest (HEAD) unless known, then its config unless that digest's is known. */
  private async inspect(
    work: Inspection,
    tag: string,
    knownDigest: string | undefined,
  ): Promise<BuildTime> {
    const { registry, now } = this.options;
    let digest = knownDigest;
    if (!digest) {
      digest = await registry.getDigest(work.request.image, tag);
      work.newDigests.push({ tag, digest, observedAt: now() });
    }
    // Tags on one manifest (1.4.2, 1.4, latest) share one config read.
    const known = work.times.get(digest);
    if (known) return known;
    let reading = work.reading.get(digest);
    if (!reading) {
      reading = this.readConfig(work, digest);
      work.reading.set(digest, reading);
    }
    return reading;
  }

  private async readConfig(
    work: Inspection,
    digest: string,
  ): Promise<BuildTime> {
    const { registry, now } = this.options;
    const inspection = await registry.inspect(work.request.image, digest, {
      platform: work.platform,
    });
    const time: BuildTime = {
      digest,
      platform: work.platformKey,
      inspectedAt: now(),
      ...(inspection.created
        ? { createdAt: inspection.created.getTime() }
        : { problem: inspection.problem }),
    };
    work.times.set(digest, time);
    work.newTimes.push(time);
    return time;
  }
}

/** The state of one repository's inspections in one scan. */
interface Inspection {
  request: BuildTimeRequest;
  platform: ImagePlatform;
  platformKey: string;
  /** Build times known so far, by digest. */
  times: Map<string, BuildTime>;
  /** Config reads under way, by digest. */
  reading: Map<string, Promise<BuildTime>>;
  newDigests: TagDigest[];
  newTimes: BuildTime[];
}

function record(
  tag: string,
  time: BuildTime,
  created: Record<string, number>,
  createdUnknown: Record<string, string>,
) {
  if (time.createdAt !== undefined) created[tag] = time.createdAt;
  else createdUnknown[tag] = time.problem ?? 'its build time is not known';
}

function descendingBytes(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? 1 : -1;
}
