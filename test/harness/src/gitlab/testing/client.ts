import { GitlabEmulator } from '../GitlabEmulator';

export interface ApiResult {
  status: number;
  body: any;
  headers: Headers;
}

/** JSON parsed; anything else (Rack::Attack's `Retry later`) as the text it is. */
async function bodyOf(response: Response): Promise<any> {
  const text = await response.text();
  if (!text) return undefined;
  return (response.headers.get('content-type') ?? '').includes('json')
    ? JSON.parse(text)
    : text;
}

/** A bare REST v4 client for the emulator's own tests: what GitLab answers, unwrapped. */
export function restClient(
  emulator: GitlabEmulator,
  token?: string,
  header: 'PRIVATE-TOKEN' | 'Bearer' = 'PRIVATE-TOKEN',
) {
  return async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<ApiResult> => {
    const headers: Record<string, string> = {};
    if (token) {
      if (header === 'Bearer') headers.authorization = `Bearer ${token}`;
      else headers['private-token'] = token;
    }
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(
      path.startsWith('http') ? path : `${emulator.apiBaseUrl}${path}`,
      {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      },
    );
    return {
      status: response.status,
      body: await bodyOf(response),
      headers: response.headers,
    };
  };
}

export async function graphqlRequest(
  emulator: GitlabEmulator,
  token: string | undefined,
  query: string,
  variables: Record<string, unknown>,
): Promise<ApiResult> {
  const response = await fetch(`${emulator.baseUrl}/api/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    body: await bodyOf(response),
    headers: response.headers,
  };
}
