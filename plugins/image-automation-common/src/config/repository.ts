import { ANNOTATIONS } from '../annotations';
import { SHORTHAND_EXAMPLES } from './examples';
import { ProblemList } from './problems';

/** Backstage's own annotations the repository may come from. */
export const SOURCE_LOCATION_ANNOTATION = 'backstage.io/source-location';
export const PROJECT_SLUG_ANNOTATION = 'github.com/project-slug';

const REPO_EXAMPLE = SHORTHAND_EXAMPLES.repo;

/**
 * `url:https://…` (Backstage's location form) or a bare URL; undefined for
 * anything that is not an http(s) URL.
 */
function httpUrl(value: string): string | undefined {
  const text = value.trim().replace(/^url:/, '');
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:'
      ? text
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The Git repository that holds the entity's manifests: `image-automation/repo`
 * when set, else `backstage.io/source-location` (the URL after `url:`, kept
 * as it is, tree path included), else `github.com/project-slug` as
 * `https://github.com/<slug>`. Reports a problem and returns undefined when
 * none gives one. A broken override is not replaced by the fallbacks: it
 * would send updates to another repository than the one asked for.
 */
export function resolveRepository(
  annotations: Record<string, string>,
  problems: ProblemList,
): string | undefined {
  const override = annotations[ANNOTATIONS.repo];
  if (override !== undefined) {
    const url = httpUrl(override);
    if (!url) {
      problems.add(
        ANNOTATIONS.repo,
        `${JSON.stringify(
          override,
        )} is not a repository URL; give the https URL of the Git repository`,
        REPO_EXAMPLE,
      );
    }
    return url;
  }

  const sourceLocation = annotations[SOURCE_LOCATION_ANNOTATION];
  const fromSource =
    sourceLocation === undefined ? undefined : httpUrl(sourceLocation);
  if (fromSource) return fromSource;

  const slug = annotations[PROJECT_SLUG_ANNOTATION]?.trim();
  if (slug && /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(slug)) {
    return `https://github.com/${slug}`;
  }

  const unusable = [
    sourceLocation !== undefined
      ? `${SOURCE_LOCATION_ANNOTATION} ${JSON.stringify(
          sourceLocation,
        )} is not a URL`
      : undefined,
    slug
      ? `${PROJECT_SLUG_ANNOTATION} ${JSON.stringify(slug)} is not "owner/repo"`
      : undefined,
  ].filter(Boolean);
  problems.add(
    ANNOTATIONS.repo,
    `no Git repository for the manifests: set ${ANNOTATIONS.repo}, ${SOURCE_LOCATION_ANNOTATION} ` +
      `or ${PROJECT_SLUG_ANNOTATION}${
        unusable.length ? ` (${unusable.join('; ')})` : ''
      }`,
    REPO_EXAMPLE,
  );
  return undefined;
}
