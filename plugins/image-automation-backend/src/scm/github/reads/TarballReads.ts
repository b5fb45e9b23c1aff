import { MAX_MANIFEST_BYTES } from '@image-automation/plugin-image-automation-node';
import { TreeEntry } from '../../port';
import { GithubReadTarget } from './GithubReadTarget';
import { GithubRest } from './GithubRest';
import { HeadCommit } from './HeadQueries';
import { readTarball, TarballTooLargeError } from './tarball';

/** Files kept from an archive: what manifests and config files are; others are read when asked. */
const MANIFEST_LIKE = /(\.ya?ml|\.json|(^|\/)kustomization)$/i;

export interface TarballLimits {
  /**
   * Repositories up to this size on GitHub (its `diskUsage`, KiB) are read
   * as one tarball; larger ones as a listing and blob batches (default
   * 4096; 0: never).
   */
  tarballMaxKb?: number;
  /**
   * Bytes a tarball may unpack to before the reader falls back to the
   * listing (default 64 MiB). Only manifest-like files are held while it
   * unpacks, so this bounds time, not memory.
   */
  tarballMaxUnpackedBytes?: number;
}

/** A whole branch head from one archive: the listing, and the text of every file small enough to be a manifest. */
export interface ArchivedHead {
  entries: Map<string, TreeEntry>;
  texts: Map<string, string>;
}

/**
 * Small repositories in one request: the tarball of the head commit (one
 * request against the rate limit; the download from codeload is not
 * counted) gives every file with its mode, size and blob id, where a
 * listing and blob batches cost two or more. Large repositories, and any
 * archive that is not what was asked for, are left to the listing.
 */
export class TarballReads {
  private readonly maxKb: number;
  private readonly maxUnpacked: number;

  constructor(private readonly rest: GithubRest, limits: TarballLimits = {}) {
    this.maxKb = limits.tarballMaxKb ?? 4096;
    this.maxUnpacked = limits.tarballMaxUnpackedBytes ?? 64 * 1024 * 1024;
  }

  /** Whether a repository of `diskUsageKb` is read this way. */
  suits(diskUsageKb: number | undefined): boolean {
    return diskUsageKb !== undefined && diskUsageKb <= this.maxKb;
  }

  /** The head's files, or undefined when the archive is too large or not of that commit. */
  async read(
    target: GithubReadTarget,
    head: HeadCommit,
  ): Promise<ArchivedHead | undefined> {
    const { octokit, owner, repo, displayName } = target;
    const archive = await this.rest.call(
      octokit,
      { repository: displayName, doing: `download ${head.branch}` },
      async observe => {
        const response = await octokit.repos.downloadTarballArchive({
          owner,
          repo,
          ref: head.headSha,
        });
        observe(response.headers);
        return Buffer.from(response.data as ArrayBuffer);
      },
    );
    let unpacked;
    try {
      unpacked = await readTarball(archive, {
        maxBytes: this.maxUnpacked,
        keep: (path, size, mode) =>
          mode !== '120000' &&
          size <= MAX_MANIFEST_BYTES &&
          MANIFEST_LIKE.test(path),
      });
    } catch (error) {
      if (error instanceof TarballTooLargeError) return undefined;
      throw error;
    }
    if (unpacked.commit !== head.headSha) return undefined;
    const entries = new Map<string, TreeEntry>();
    const texts = new Map<string, string>();
    for (const file of unpacked.files) {
      entries.set(file.path, {
        sha: file.sha,
        size: file.size,
        mode: file.mode,
      });
      if (file.text !== undefined) texts.set(file.sha, file.text);
    }
    return { entries, texts };
  }
}
