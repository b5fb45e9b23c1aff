import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** Image automation: keeps image tags in Git at the newest tag their policy allows. */
  imageAutomation?: {
    /**
     * Set to false to serve the API and card without running cycles.
     * @default true
     */
    enabled?: boolean;

    /**
     * How often the automation cycle runs, cluster-wide (one replica at a
     * time). Default: every 5 minutes, timing out after 10. Whatever the
     * frequency, each registry repository is scanned at most once a minute;
     * a shorter frequency only re-reads Git and pull requests sooner.
     */
    schedule?: SchedulerServiceTaskScheduleDefinitionConfig;

    /**
     * The registries that may be contacted, with their credentials. Public
     * registries (docker.io, ghcr.io, quay.io, registry.gitlab.com, gcr.io,
     * *.pkg.dev, mcr.microsoft.com) are allowed without an entry; any other
     * host, and any host on a loopback, private or link-local address, only
     * with an entry here.
     */
    registries?: Array<{
      /** Registry host with optional port, e.g. `ghcr.io` or `registry.internal:5000`. */
      host: string;
      /**
       * Registry kind; guessed from the host when unset. `ecr`, `gar` and
       * `acr` use credential providers loaded only when configured.
       */
      type?:
        | 'generic'
        | 'dockerhub'
        | 'ghcr'
        | 'quay'
        | 'harbor'
        | 'gitlab'
        | 'ecr'
        | 'gar'
        | 'acr';
      /**
       * A bearer token or personal access token for the registry.
       * @visibility secret
       */
      token?: string;
      /** User for basic auth or the token service. */
      username?: string;
      /**
       * Password for basic auth or the token service.
       * @visibility secret
       */
      password?: string;
      /** Plain HTTP instead of HTTPS (only for registries inside your network). */
      insecure?: boolean;
      /** Requests in flight to this host at most. @default 8 */
      concurrency?: number;
      /**
       * Extra hosts whose token service may receive this registry's
       * credentials, besides the registry itself and its type's known token
       * hosts. Credentials are never sent to any other realm.
       */
      tokenRealmHosts?: string[];
      /** AWS region, for `type: ecr`. */
      region?: string;
      /** AWS account id, for `type: ecr`. */
      accountId?: string;
    }>;

    /**
     * Writing updates back to Git. Credentials come from Backstage's
     * `integrations.github` (token or GitHub App; GitHub Enterprise through
     * `apiBaseUrl`, required for any host other than github.com). Each
     * entity chooses its mode with image-automation/mode, within what the
     * operator allows here.
     */
    git?: {
      /** Labels added to every pull request. */
      labels?: string[];
      /**
       * Repositories entities may name (image-automation/repo,
       * backstage.io/source-location) beyond the one their entity file is
       * registered from (backstage.io/managed-by-location), which is the only
       * one allowed by default. Globs on `host/path`: `*` within one path
       * segment, `**` across segments, e.g. `github.com/acme/gitops-*`.
       * A repository not allowed is a config problem on the card, never read
       * and never written.
       */
      allowedRepositories?: string[];
      /**
       * Repositories where `push` and `push-branch` (writes without review)
       * are allowed, as `host/path` globs. Everywhere else only
       * `pull-request` (and `observe`) may be used.
       */
      allowPush?: string[];
    };
  };
}
