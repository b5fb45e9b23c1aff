import type { Octokit } from '@octokit/rest';

/** A GitHub repository and the client (one per token) that reads it. */
export interface GithubReadTarget {
  octokit: Octokit;
  owner: string;
  repo: string;
  /** `acme/deploy`, for messages. */
  displayName: string;
}
