import { GitError } from '../../GitError';
import { TreeEntry } from '../../port';
import { GithubReadTarget } from './GithubReadTarget';
import { GithubRest } from './GithubRest';

/** Listings kept by default: a few per repository of a fleet. */
export const DEFAULT_TREE_CACHE_ENTRIES = 256;

/** Keyed by repository too: a token that cannot see a repository must not read its tree from here. */
const listingKey = (target: GithubReadTarget, treeSha: string) =>
  `${target.owner}/${target.repo}\u0000${treeSha}`.toLowerCase();

/**
 * Recursive file listings by root tree sha: a tree never changes, so a
 * repository whose branch did not move is never listed twice, and every
 * entity of a repository shares one listing (one request per new tree).
 */
export class TreeListings {
  private readonly listings = new Map<
    string,
    Promise<Map<string, TreeEntry>>
  >();

  constructor(
    private readonly rest: GithubRest,
    private readonly maxEntries = DEFAULT_TREE_CACHE_ENTRIES,
  ) {}

  /** Whether the listing of `treeSha` is at hand (or on its way). */
  has(target: GithubReadTarget, treeSha: string): boolean {
    return this.listings.has(listingKey(target, treeSha));
  }

  /** Keeps a listing obtained otherwise (from a tarball). */
  put(
    target: GithubReadTarget,
    treeSha: string,
    entries: Map<string, TreeEntry>,
  ): void {
    this.remember(listingKey(target, treeSha), Promise.resolve(entries));
  }

  list(
    target: GithubReadTarget,
    treeSha: string,
    branch: string,
  ): Promise<Map<string, TreeEntry>> {
    const key = listingKey(target, treeSha);
    const known = this.listings.get(key);
    if (known) {
      this.remember(key, known);
      return known;
    }
    const listing = this.fetch(target, treeSha, branch);
    this.remember(key, listing);
    listing.catch(() => {
      if (this.listings.get(key) === listing) this.listings.delete(key);
    });
    return listing;
  }

  private remember(key: string, listing: Promise<Map<string, TreeEntry>>) {
    this.listings.delete(key);
    this.listings.set(key, listing);
    if (this.listings.size > this.maxEntries) {
      this.listings.delete(this.listings.keys().next().value!);
    }
  }

  private async fetch(
    target: GithubReadTarget,
    treeSha: string,
    branch: string,
  ): Promise<Map<string, TreeEntry>> {
    const { octokit, owner, repo, displayName } = target;
    const tree = await this.rest.call(
      octokit,
      { repository: displayName, doing: `list the files of ${branch}` },
      async observe => {
        const response = await octokit.git.getTree({
          owner,
          repo,
          tree_sha: treeSha,
          recursive: 'true',
        });
        observe(response.headers);
        return response.data;
      },
    );
    if (tree.truncated) {
      throw new GitError(
        'git-bad-repository',
        `the tree of ${displayName}@${branch} is too large for one GitHub API listing (over 100,000 files or 7 MB)`,
      );
    }
    return new Map(
      tree.tree
        .filter(entry => entry.type === 'blob' && entry.path && entry.sha)
        .map(entry => [
          entry.path!,
          {
            sha: entry.sha!,
            size: entry.size ?? 0,
            mode: entry.mode ?? '100644',
          },
        ]),
    );
  }
}
