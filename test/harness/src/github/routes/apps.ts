import { randomBytes } from 'node:crypto';
import { TokenGrant } from '../auth';
import { notFound } from '../http/GithubApiError';
import { paginate, PermissionSet, Route, RouteRequest } from '../http/routing';
import { EmulatedRepository } from '../model';
import { GithubShapes } from '../shapes';

/** A GitHub App installation the emulator knows about. */
export interface EmulatedInstallation {
  id: number;
  /** The user or organisation the app is installed on. */
  account: string;
  /** Default: all repositories of the account. */
  repositories?: string[];
  /** Default: contents, pull_requests and issues write. */
  permissions?: PermissionSet;
}

export interface EmulatedApp {
  appId: number;
  slug: string;
  installations: EmulatedInstallation[];
}

/** What the `/app` and `/installation` handlers need from the emulator. */
export interface AppContext {
  request: RouteRequest;
  app: EmulatedApp;
  shapes: GithubShapes;
  /** The installation token's grant, for `/installation/*` endpoints. */
  grant?: TokenGrant;
  registerToken(token: string, grant: TokenGrant): void;
  repositories(): EmulatedRepository[];
}

const DEFAULT_INSTALLATION_PERMISSIONS: PermissionSet = {
  metadata: 'read',
  contents: 'write',
  pull_requests: 'write',
  issues: 'write',
};

/** How long installation tokens live on GitHub. */
const TOKEN_LIFETIME_MS = 60 * 60 * 1000;

const installationPermissions = (i: EmulatedInstallation) =>
  i.permissions ?? DEFAULT_INSTALLATION_PERMISSIONS;

function installationShape(
  ctx: AppContext,
  installation: EmulatedInstallation,
) {
  const base = ctx.shapes.apiBaseUrl;
  return {
    id: installation.id,
    account: ctx.shapes.user({
      login: installation.account,
      type: 'Organization',
    }),
    app_id: ctx.app.appId,
    app_slug: ctx.app.slug,
    target_type: 'Organization',
    repository_selection: installation.repositories ? 'selected' : 'all',
    permissions: installationPermissions(installation),
    access_tokens_url: `${base}/app/installations/${installation.id}/access_tokens`,
    repositories_url: `${base}/installation/repositories`,
    suspended_by: null,
    suspended_at: null,
  };
}

function installationCovers(
  installation: EmulatedInstallation,
  repo: EmulatedRepository,
) {
  return (
    repo.owner.toLowerCase() === installation.account.toLowerCase() &&
    (!installation.repositories ||
      installation.repositories.some(
        name => name.toLowerCase() === repo.name.toLowerCase(),
      ))
  );
}

function installationOr404(ctx: AppContext, id: number) {
  const installation = ctx.app.installations.find(i => i.id === id);
  if (!installation) {
    throw notFound();
  }
  return installation;
}

/** Endpoints authenticated with the app's JWT. */
export const appJwtRoutes: Route<AppContext>[] = [
  {
    method: 'GET',
    path: '/app',
    permissions: [],
    async handle(ctx) {
      return {
        status: 200,
        body: {
          id: ctx.app.appId,
          slug: ctx.app.slug,
          name: ctx.app.slug,
          permissions: DEFAULT_INSTALLATION_PERMISSIONS,
        },
      };
    },
  },
  {
    method: 'GET',
    path: '/app/installations',
    permissions: [],
    async handle(ctx) {
      const all = ctx.app.installations.map(i => installationShape(ctx, i));
      const { page, headers } = paginate(all, ctx.request);
      return { status: 200, body: page, headers };
    },
  },
  {
    method: 'POST',
    path: '/app/installations/:id/access_tokens',
    permissions: [],
    async handle(ctx) {
      const installation = installationOr404(
        ctx,
        Number(ctx.request.params.id),
      );
      const token = `ghs_${randomBytes(18).toString('base64url')}`;
      const expiresAt = new Date(Date.now() + TOKEN_LIFETIME_MS)
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z');
      const permissions = installationPermissions(installation);
      ctx.registerToken(token, {
        actor: { login: `${ctx.app.slug}[bot]`, type: 'Bot' },
        permissions,
        canAccess: repo => installationCovers(installation, repo),
        // Installation tokens spend the installation's budget, not a user's.
        quota: {
          key: `installation:${installation.id}`,
          subject: `installation ID ${installation.id}`,
        },
      });
      return {
        status: 201,
        body: {
          token,
          expires_at: expiresAt,
          permissions,
          repository_selection: installation.repositories ? 'selected' : 'all',
        },
      };
    },
  },
  {
    method: 'GET',
    path: '/repos/:owner/:repo/installation',
    permissions: [],
    async handle(ctx) {
      const { owner } = ctx.request.params;
      const installation = ctx.app.installations.find(
        i => i.account.toLowerCase() === owner.toLowerCase(),
      );
      if (!installation) {
        throw notFound();
      }
      return { status: 200, body: installationShape(ctx, installation) };
    },
  },
];

/** Endpoints authenticated with an installation token. */
export const installationTokenRoutes: Route<AppContext>[] = [
  {
    method: 'GET',
    path: '/installation/repositories',
    permissions: [],
    async handle(ctx) {
      const visible = ctx
        .repositories()
        .filter(r => ctx.grant?.canAccess?.(r) ?? true)
        .map(r =>
          ctx.shapes.repository(r, { admin: false, push: true, pull: true }),
        );
      const { page, headers } = paginate(visible, ctx.request);
      return {
        status: 200,
        body: { total_count: visible.length, repositories: page },
        headers,
      };
    },
  },
];
