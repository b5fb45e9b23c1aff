import { GraphQLError } from 'graphql';

/**
 * An error GitHub reports inside a GraphQL answer: GitHub puts a `type` (`NOT_FOUND`,
 * `FORBIDDEN`, `RATE_LIMITED`, ...) beside `message`, `path` and `locations`.
 */
export class GithubGraphqlError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
    this.name = 'GithubGraphqlError';
  }
}

/** One entry of the `errors` array, in GitHub's shape. */
export function formatError(error: GraphQLError): Record<string, unknown> {
  const original = error.originalError;
  return {
    ...(original instanceof GithubGraphqlError ? { type: original.type } : {}),
    ...(error.path ? { path: error.path } : {}),
    ...(error.locations ? { locations: error.locations } : {}),
    message: error.message,
  };
}
