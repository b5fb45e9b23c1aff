import { ImagePolicySpec } from '../ImagePolicySpec';
import { TagFacts, PolicyEvaluation, TagPolicy } from '../TagPolicy';
import { compareBytes } from '../TagOrdering';

const UNKNOWN_BUILD_TIME =
  'its build time is not known yet (the image config has not been read)';

/**
 * Argo CD Image Updater's `newest-build` (Kargo's `NewestBuild`, Keel's
 * `newest`): the allowed tags ordered by when their image was built, newest
 * first. The names play no part, so `latest`-style and commit-hash tags
 * work; tags built at the same instant fall back to descending byte order,
 * so the result never depends on the registry's listing order.
 *
 * Which tags are allowed (OCI grammar, signature tags, the filter) is decided
 * by `allowed`, the same pipeline as every other kind; a tag whose build
 * time is not in the facts is excluded with the reason the facts give.
 */
export class NewestBuildTagPolicy implements TagPolicy {
  constructor(
    readonly spec: ImagePolicySpec,
    private readonly allowed: TagPolicy,
  ) {}

  describe(): string {
    const platform = this.spec.newestBuild?.platform ?? 'linux/amd64';
    const pattern = this.spec.filterTags?.pattern;
    return `newest build (${platform})${
      pattern ? `, tags filtered by ${pattern}` : ''
    }`;
  }

  compare(a: string, b: string, facts?: TagFacts): number | undefined {
    if (this.allowed.compare(a, b) === undefined) return undefined;
    const first = ownValue(facts?.created, a);
    const second = ownValue(facts?.created, b);
    if (first === undefined || second === undefined) return undefined;
    return Math.sign(first - second);
  }

  evaluate(tags: readonly string[], facts?: TagFacts): PolicyEvaluation {
    const base = this.allowed.evaluate(tags);
    const excluded = [...base.excluded];
    const dated: Array<{ tag: string; created: number }> = [];
    for (const tag of base.candidates) {
      const created = ownValue(facts?.created, tag);
      if (created === undefined || Number.isNaN(created)) {
        excluded.push({
          tag,
          reason: ownValue(facts?.createdUnknown, tag) ?? UNKNOWN_BUILD_TIME,
        });
      } else {
        dated.push({ tag, created });
      }
    }
    dated.sort((x, y) => y.created - x.created || compareBytes(y.tag, x.tag));
    const candidates = dated.map(d => d.tag);
    const evaluation: PolicyEvaluation = { candidates, excluded };
    if (candidates.length > 0) evaluation.latest = candidates[0];
    return evaluation;
  }
}

/**
 * What `record` holds for `tag` itself: a tag may be named `constructor`
 * or `__proto__`, and must not read what every object inherits.
 */
function ownValue<T>(
  record: Record<string, T> | undefined,
  tag: string,
): T | undefined {
  return record && Object.hasOwn(record, tag) ? record[tag] : undefined;
}
