import { unprocessable } from '../http/GithubApiError';
import { Route, RouteRequest } from '../http/routing';
import { Actor, EmulatedRepository } from '../model';
import { GithubShapes } from '../shapes';

/** What a handler under `/repos/{owner}/{repo}` gets: the repository is already looked up (404 otherwise). */
export interface RepoContext {
  request: RouteRequest;
  repo: EmulatedRepository;
  actor: Actor;
  shapes: GithubShapes;
  /** Whether the caller may push, for the `permissions` block of the repository. */
  canPush: boolean;
}

export type RepoRoute = Route<RepoContext>;

export const read = (
  name: 'contents' | 'pull_requests' | 'issues' | 'metadata',
) => [{ [name]: 'read' as const }];
export const write = (name: 'contents' | 'pull_requests' | 'issues') => [
  { [name]: 'write' as const },
];

/** Reads a required string field of a JSON body, answering GitHub's schema-validation 422 when it is missing. */
export function requireString(body: any, field: string): string {
  const value = body?.[field];
  if (value === undefined || value === null) {
    throw unprocessable(`Invalid request.\n\n"${field}" wasn't supplied.`);
  }
  if (typeof value !== 'string') {
    throw unprocessable(
      `Invalid request.\n\nFor 'properties/${field}', ${JSON.stringify(
        value,
      )} is not a string.`,
    );
  }
  return value;
}
