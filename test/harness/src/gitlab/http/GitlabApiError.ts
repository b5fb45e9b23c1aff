/**
 * An error the emulator answers with, in the body shapes GitLab uses: `{"message": ...}` for
 * most failures (a string, or an object or array of validation messages), and the OAuth shape
 * `{"error": "insufficient_scope", ...}` for a token without the scope a route needs.
 */
export class GitlabApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(
      typeof body.message === 'string'
        ? body.message
        : JSON.stringify(body.message ?? body),
    );
    this.name = 'GitlabApiError';
  }
}

/** GitLab's 404 names what is missing: `404 Project Not Found`, `404 Branch Not Found`. */
export const notFound = (what: string) =>
  new GitlabApiError(404, { message: `404 ${what} Not Found` });

/** Grape's parameter validation: `400 {"error": "branch is missing"}`. */
export const invalidParams = (error: string) =>
  new GitlabApiError(400, { error });

export const badRequest = (message: unknown) =>
  new GitlabApiError(400, { message });

export const conflict = (message: unknown) =>
  new GitlabApiError(409, { message });

/** `forbidden!(reason)` in GitLab's API helpers. */
export const forbidden = (reason?: string) =>
  new GitlabApiError(403, {
    message: reason ? `403 Forbidden - ${reason}` : '403 Forbidden',
  });

export const unauthorized = () =>
  new GitlabApiError(401, { message: '401 Unauthorized' });

/** What GitLab answers a token whose scopes do not include one the route needs. */
export const insufficientScope = (scope: string) =>
  new GitlabApiError(
    403,
    {
      error: 'insufficient_scope',
      error_description:
        'The request requires higher privileges than provided by the access token.',
      scope,
    },
    {
      'www-authenticate': `Bearer realm="", error="insufficient_scope", error_description="The request requires higher privileges than provided by the access token.", scope="${scope}"`,
    },
  );
