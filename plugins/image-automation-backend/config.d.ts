import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';
import { HumanDuration } from '@backstage/types';

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
     * a shorter frequency only re-reads Git and pull requests sooner. A cycle
     * that starts up to 10 s early (the scheduler's own jitter) counts as on
     * time, so a one-minute schedule checks every entity every minute.
     */
    schedule?: SchedulerServiceTaskScheduleDefinitionConfig;

    /** What the card's timeline shows: scans' outcomes, decisions, writes and errors per entity. */
    history?: {
      /**
       * How long events are kept, e.g. `90d`, `P90D` or `{ days: 90 }`;
       * older ones are deleted by a task every six hours. An entity's
       * history goes with the entity when it leaves the catalog.
       * @default 90 days
       */
      retention?: string | HumanDuration;
    };

    /**
     * Backstage notifications to an entity's owner (needs the notifications
     * backend). Each kind is on unless switched off here.
     */
    notifications?: {
      /** Set to false to send none. @default true */
      enabled?: boolean;
      /** A pull request opened or updated, or a commit pushed. @default true */
      writes?: boolean;
      /** A pull request closed without merging. @default true */
      declined?: boolean;
      /** The entity in error for three checks in a row: once per episode, with the fix. @default true */
      errors?: boolean;
    };

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

      /**
       * Plain Git servers (any host without a GitHub or GitLab integration),
       * reached with the system `git` over SSH or HTTPS. Repositories on these
       * hosts support the modes `push` and `push-branch`.
       */
      hosts?: Array<{
        /** `host` or `host:port`, exactly as in the repository URL, e.g. `git.internal:2222`. */
        host: string;
        /** For `ssh://` and `git@host:path` repository URLs. */
        ssh?: {
          /**
           * The deploy key: an OpenSSH private key without passphrase, with
           * write access to the repositories. Written to disk (0600) only
           * while git runs.
           * @visibility secret
           */
          privateKey: string;
          /**
           * The server's known_hosts line(s), checked strictly (required):
           * `[host]:port ssh-ed25519 AAAA…` for a port other than 22, as
           * `ssh-keyscan -p PORT host` prints them.
           */
          knownHosts: string;
        };
        /** For `https://` repository URLs: basic auth with a token. */
        https?: {
          /** The user the token belongs to (some servers accept any). */
          username: string;
          /**
           * A token with read and write access to the repositories.
           * @visibility secret
           */
          token: string;
        };
      }>;
    };
    /**
     * Registry push webhooks at `POST /api/image-automation/webhooks/<provider>`:
     * a push scans that repository within seconds instead of at the next
     * scheduled cycle. Each provider listed needs its secret (the backend
     * refuses to start without it); a request with a wrong one gets 401.
     */
    webhooks?: {
      /**
       * The CNCF distribution registry (`registry:2`, Debian's
       * `docker-registry`): its `notifications.endpoints[].headers` send
       * `Authorization: [Bearer <token>]`.
       */
      distribution?: {
        /**
         * The token of the Authorization header.
         * @visibility secret
         */
        token: string;
        /** The registry host image references use, when the registry knows itself by another (default: the Host it was pushed to). */
        registry?: string;
      };
      /** Docker Hub repository webhooks, with `?token=<token>` in the webhook URL (Hub cannot sign). */
      dockerhub?: {
        /**
         * The token in the webhook URL.
         * @visibility secret
         */
        token: string;
        /** Default `docker.io`. */
        registry?: string;
      };
      /** GitHub `package` / `registry_package` events for GHCR, signed with X-Hub-Signature-256. */
      github?: {
        /**
         * The webhook's secret.
         * @visibility secret
         */
        secret: string;
        /** Default: the host of the package's registry URL (`ghcr.io`). */
        registry?: string;
      };
      /** Harbor webhook policies (HTTP), with the token as their "Auth Header". */
      harbor?: {
        /**
         * The Auth Header value.
         * @visibility secret
         */
        token: string;
        /** Default: the host of the pushed artifact's resource_url. */
        registry?: string;
      };
      /** Quay "Push to Repository" notifications, with `?token=<token>` in the notification URL. */
      quay?: {
        /**
         * The token in the notification URL.
         * @visibility secret
         */
        token: string;
        /** Default: the host of docker_url (`quay.io`). */
        registry?: string;
      };
    };
  };
}
