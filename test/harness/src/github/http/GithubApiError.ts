/** One item of the `errors` array GitHub returns with a 422. */
export interface GithubValidationError {
  resource?: string;
  field?: string;
  code:
    | 'missing'
    | 'missing_field'
    | 'invalid'
    | 'already_exists'
    | 'unprocessable'
    | 'custom';
  message?: string;
}

const DOCS = 'https://docs.github.com/rest';

/**
 * An error the emulator answers with, in GitHub's body shape (`message`, optional `errors`,
 * `documentation_url`, `status`), so that Octokit's RequestError carries what it would from GitHub.
 */
export class GithubApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extras: {
      errors?: GithubValidationError[];
      documentationUrl?: string;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.name = 'GithubApiError';
  }

  body(): Record<string, unknown> {
    return {
      message: this.message,
      ...(this.extras.errors ? { errors: this.extras.errors } : {}),
      documentation_url: this.extras.documentationUrl ?? DOCS,
      status: String(this.status),
    };
  }
}

export const notFound = (message = 'Not Found') =>
  new GithubApiError(404, message);

/** GitHub's usual 422 for a field that fails validation. */
export const validationFailed = (...errors: GithubValidationError[]) =>
  new GithubApiError(422, 'Validation Failed', { errors });

/** GitHub's 422 with a plain message and no `errors` array (git data endpoints answer this way). */
export const unprocessable = (message: string) =>
  new GithubApiError(422, message);

export const conflict = (message: string) => new GithubApiError(409, message);
