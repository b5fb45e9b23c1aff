/**
 * The backend's REST API as a signed-in guest sees it, for end-to-end
 * assertions. The types name only the fields the tests read: the suite
 * treats the backend as a black box.
 */

export interface ImageStatusView {
  name: string;
  image: string;
  state: 'up-to-date' | 'update-available' | 'pr-open' | 'error' | 'pending';
  currentTag?: string;
  latestTag?: string;
  lastScanAt?: string;
  message?: string;
  error?: { kind: string; message: string };
  pullRequest?: { number: number; url: string; state: string; branch: string };
}

export interface EntityView {
  entityRef: string;
  images: ImageStatusView[];
  configProblems: Array<{ key: string; message: string }>;
}

export interface OverviewEntryView {
  entityRef: string;
  counts: Record<ImageStatusView['state'], number>;
  openPullRequests: Array<{ number: number; url: string; state: string }>;
}

/** One backend's API, called with a guest token from that backend. */
export interface ImageAutomationApi {
  readonly baseUrl: string;
  /** The entity's automation; undefined while the backend answers 404. */
  entity(name: string): Promise<EntityView | undefined>;
  /** Every automated entity the guest may read (`GET /overview`, one page of 500). */
  overview(): Promise<OverviewEntryView[]>;
  /** "Check now": the status code and body the backend answered. */
  refresh(name: string): Promise<{ status: number; body: unknown }>;
}

/** Signs in with the guest provider, as the app's "Enter" button does. */
export async function guestToken(baseUrl: string): Promise<string> {
  const response = await fetch(
    `${baseUrl}/api/auth/guest/refresh?env=development`,
    {
      method: 'POST',
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    },
  );
  const body = (await response.json()) as {
    backstageIdentity?: { token?: string };
  };
  const token = body.backstageIdentity?.token;
  if (!response.ok || !token) {
    throw new Error(
      `guest sign-in at ${baseUrl} answered ${
        response.status
      }: ${JSON.stringify(body)}`,
    );
  }
  return token;
}

/** Components in the default namespace, which is all the suite's catalog holds. */
export function imageAutomationApi(
  baseUrl: string,
  token: string,
): ImageAutomationApi {
  const entityUrl = (name: string) =>
    `${baseUrl}/api/image-automation/entities/component/default/${encodeURIComponent(
      name,
    )}`;
  const headers = { authorization: `Bearer ${token}` };
  return {
    baseUrl,
    async entity(name) {
      const response = await fetch(entityUrl(name), { headers });
      if (response.status === 404) {
        await response.arrayBuffer();
        return undefined;
      }
      if (!response.ok) {
        throw new Error(
          `GET ${entityUrl(name)} answered ${
            response.status
          }: ${await response.text()}`,
        );
      }
      return (await response.json()) as EntityView;
    },
    async overview() {
      const url = `${baseUrl}/api/image-automation/overview?limit=500`;
      const response = await fetch(url, { headers });
      if (!response.ok) {
        throw new Error(
          `GET ${url} answered ${response.status}: ${await response.text()}`,
        );
      }
      return ((await response.json()) as { items: OverviewEntryView[] }).items;
    },
    async refresh(name) {
      const response = await fetch(`${entityUrl(name)}/refresh`, {
        method: 'POST',
        headers,
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: keep the text for the failure message
      }
      return { status: response.status, body };
    },
  };
}
