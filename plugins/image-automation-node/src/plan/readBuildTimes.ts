import {
  DEFAULT_PLATFORM,
  TagFacts,
  TagPolicy,
  buildTimeCandidates,
  parsePlatform,
} from '@image-automation/plugin-image-automation-common';
import { ImageInspection, InspectOptions, RegistryImage } from '../registry';

/** Tags whose image a plan inspects, at most, per image. */
export const MAX_PLAN_INSPECTIONS = 200;
/** Registry requests in flight per image while inspecting (as the backend). */
const PARALLEL_INSPECTIONS = 4;

/** The part of the registry client that tells when a tag's image was built. */
export interface BuildTimeSource {
  inspect(
    image: RegistryImage,
    reference: string,
    options?: InspectOptions,
  ): Promise<ImageInspection>;
}

/**
 * When the image behind each tag the policy's filter allows was built, for
 * a newest-build policy: what the backend learns over its scans (and keeps
 * by digest), read at once for a plan, which has nowhere to keep it. At
 * most {@link MAX_PLAN_INSPECTIONS} tags, the last in byte order first; the
 * others, and any whose image cannot be read, get the reason in
 * `createdUnknown` and are left out of the choice as the backend leaves
 * them out. A failure other than a deleted tag stops the reading, as it
 * would fail the rest the same way (a rate limit, an outage), and is
 * returned as `failure`: a choice among the tags read before it could be
 * wrong.
 */
export async function readBuildTimes(
  registry: BuildTimeSource,
  image: RegistryImage,
  policy: TagPolicy,
  tags: readonly string[],
): Promise<{ facts: TagFacts; failure?: string }> {
  const newest = policy.spec.newestBuild;
  const parsed = parsePlatform(newest?.platform ?? '');
  const platform = typeof parsed === 'string' ? DEFAULT_PLATFORM : parsed;
  const allowed = buildTimeCandidates(policy.spec, tags);

  const created: Record<string, number> = {};
  const createdUnknown: Record<string, string> = {};
  for (const tag of allowed.slice(MAX_PLAN_INSPECTIONS)) {
    createdUnknown[
      tag
    ] = `its build time is not read: a plan inspects at most ${MAX_PLAN_INSPECTIONS} images per repository (the backend reads them all over its scans)`;
  }
  const queue = allowed.slice(0, MAX_PLAN_INSPECTIONS);
  let stopped: string | undefined;
  await Promise.all(
    Array.from({ length: PARALLEL_INSPECTIONS }, async () => {
      for (let tag = queue.shift(); tag !== undefined; tag = queue.shift()) {
        if (stopped) {
          createdUnknown[tag] = `its build time could not be read: ${stopped}`;
          continue;
        }
        try {
          const inspection = await registry.inspect(image, tag, { platform });
          if (inspection.created) created[tag] = inspection.created.getTime();
          else
            createdUnknown[tag] =
              inspection.problem ?? 'its build time is not known';
        } catch (error) {
          const message = (error as Error).message;
          createdUnknown[tag] = `its build time could not be read: ${message}`;
          if ((error as { kind?: string }).kind !== 'not-found') {
            stopped = message;
          }
        }
      }
    }),
  );
  return { facts: { created, createdUnknown }, failure: stopped };
}
