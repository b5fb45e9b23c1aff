import { Link } from '@backstage/core-components';
import { ChangeDestination } from '@image-automation/plugin-image-automation-common';
import { ScmLinks } from './scmLinks';

const REQUEST_NOUN: Record<ChangeDestination['kind'], string> = {
  'pull-request': 'pull request',
  'merge-request': 'merge request',
  branch: 'branch',
  commit: 'commit',
};

/**
 * Where a change went, in the host's own words: `#12 (open)` or `!12
 * (merged)` linked to the change request, or the branch and its commit
 * (`image-automation/… at 1a2b3c4`, `1a2b3c4 on main`), linked where the SCM
 * integrations know the host's pages and plain text otherwise.
 */
export function ChangeLink(props: {
  change: ChangeDestination;
  links: Pick<ScmLinks, 'commitUrl' | 'branchUrl'>;
}) {
  const { change, links } = props;
  const linked = (url: string | undefined, text: string, title?: string) =>
    url ? (
      <Link to={url} title={title}>
        {text}
      </Link>
    ) : (
      <span title={title}>{text}</span>
    );
  if (change.kind === 'pull-request' || change.kind === 'merge-request') {
    return (
      <>
        {linked(
          change.url,
          `${change.reference}${change.state ? ` (${change.state})` : ''}`,
          `${REQUEST_NOUN[change.kind]} on ${change.branch}`,
        )}
      </>
    );
  }
  const commit = change.commitSha
    ? linked(
        links.commitUrl(change.commitSha),
        change.reference,
        change.commitSha,
      )
    : null;
  const branch = linked(links.branchUrl(change.branch), change.branch);
  if (change.kind === 'commit') {
    return (
      <>
        {commit} on {branch}
      </>
    );
  }
  return (
    <>
      branch {branch}
      {commit && <> at {commit}</>}
    </>
  );
}

/** What the details call a change: `Pull request`, `Merge request`, `Branch`, `Commit`. */
export function changeTerm(change: ChangeDestination): string {
  const noun = REQUEST_NOUN[change.kind];
  return noun.charAt(0).toUpperCase() + noun.slice(1);
}
