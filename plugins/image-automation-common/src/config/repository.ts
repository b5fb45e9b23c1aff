import { ANNOTATIONS } from '../annotations';
import { parseRepositoryUrl } from '../repositories';
import { SHORTHAND_EXAMPLES } from './examples';
import { ProblemList } from './problems';

/** Backstage's own annotations the repository may come from. */
export const SOURCE_LOCATION_ANNOTATION = 'backstage.io/source-location';
export const PROJECT_SLUG_ANNOTATION = 'github.com/project-slug';

const REPO_EXAMPLE = SHORTHAND_EXAMPLES.repo;

/**
 * The repository URL as written (without Backstage's `url:` prefix) when it
 * is one of the forms Git hosts use: `https://host/owner/repo`,
 * `ssh://git@host:2222/team/app.git` or scp-like `git@host:team/app.git`;
 * undefined for anything else.
 */
function repositoryUrl(value: string): string | undefined {
  const text = value.trim().replace(/^url:/, '');
  return parseRepositoryUrl(text) ? text : undefined;
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
    const url = repositoryUrl(override);
    if (!url) {
      problems.add(
        ANNOTATIONS.repo,
        `${JSON.stringify(
          override,
        )} is not a repository URL; give the Git repository's URL: https://host/owner/repo, ssh://git@host:2222/team/app.git or git@host:team/app.git`,
        REPO_EXAMPLE,
      );
    }
    return url;
  }

  const sourceLocation = annotations[SOURCE_LOCATION_ANNOTATION];
  const fromSource =
    sourceLocation === undefined ? undefined : repositoryUrl(sourceLocation);
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
