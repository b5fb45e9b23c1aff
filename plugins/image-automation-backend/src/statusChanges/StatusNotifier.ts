import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  type GitHostKind,
  changeRequestNoun,
  changeRequestReference,
} from '@image-automation/plugin-image-automation-common';
import { ImageAutomationStore } from '../database/ImageAutomationStore';
import { HistoryEvent } from '../domain/records';
import { EntityStatusChange } from '../service/EntityStatusReadModel';

/** How many checks in a row an entity must fail before its owner hears of it. */
export const ERROR_CYCLES_BEFORE_NOTICE = 3;
/** Events older than this are history, not news (e.g. on the first start after an upgrade). */
const NEWS_MS = 24 * 3600_000;

/** Which notifications are sent; each can be switched off in config. */
export interface NotificationKinds {
  writes: boolean;
  declined: boolean;
  errors: boolean;
}

export function readNotificationKinds(config: Config): NotificationKinds {
  const section = config.getOptionalConfig('imageAutomation.notifications');
  const on = (key: string) => section?.getOptionalBoolean(key) ?? true;
  return section?.getOptionalBoolean('enabled') === false
    ? { writes: false, declined: false, errors: false }
    : { writes: on('writes'), declined: on('declined'), errors: on('errors') };
}

interface Notice {
  kind: keyof NotificationKinds;
  key: string;
  title: string;
  description: string;
  severity: 'low' | 'normal' | 'high';
}

/**
 * Tells an entity's owner, through Backstage notifications, what needs them:
 * a pull request or commit written, a pull request declined, and an entity
 * in error for three checks in a row (once per episode, with the fix). Each
 * notice is claimed in the database first, so it is sent once whichever
 * replica sees it.
 */
export class StatusNotifier {
  constructor(
    private readonly options: {
      store: ImageAutomationStore;
      notifications: NotificationService;
      kinds: NotificationKinds;
      logger: LoggerService;
      now?: () => number;
    },
  ) {}

  readonly onChange = async (changes: EntityStatusChange[]): Promise<void> => {
    const { store, kinds } = this.options;
    if (!kinds.writes && !kinds.declined && !kinds.errors) return;
    const present = changes.filter(c => c.status && c.overview?.owner);
    if (!present.length) return;
    const latest = await store.latestHistoryEvents(
      present.map(c => c.entityRef),
      ['pr-opened', 'pr-updated', 'pushed', 'declined'],
    );
    for (const change of present) {
      const notices = [
        ...this.writeNotices(
          latest.filter(e => e.entityRef === change.entityRef),
          change.status?.gitHost,
        ),
        ...(await this.errorNotices(change)),
      ].filter(notice => kinds[notice.kind]);
      for (const notice of notices) await this.send(change, notice);
    }
  };

  private now() {
    return (this.options.now ?? Date.now)();
  }

  /** `host` names the change request: GitHub's pull request #7, GitLab's merge request !7. */
  private writeNotices(
    events: Array<HistoryEvent & { id: string }>,
    host: GitHostKind | undefined,
  ): Notice[] {
    const recent = events.filter(e => e.createdAt > this.now() - NEWS_MS);
    const noun = changeRequestNoun(host);
    return recent.map(event => {
      const key = event.id;
      const tags =
        event.fromTag && event.toTag
          ? ` ${event.fromTag} → ${event.toTag}`
          : '';
      const image = event.imageName ? `${event.imageName}${tags}` : 'images';
      const request = `${noun}${
        event.prNumber ? ` ${changeRequestReference(host, event.prNumber)}` : ''
      }`;
      switch (event.event) {
        case 'declined':
          return {
            kind: 'declined',
            key,
            title: `Image update ${request} was declined`,
            description: `${
              event.detail ?? 'Closed without merging'
            }. Newer tags will be proposed as they appear; change the policy annotation to stop a tag you do not want.`,
            severity: 'normal',
          };
        case 'pushed':
          return {
            kind: 'writes',
            key,
            title: `Image update pushed: ${image}`,
            description: `Commit ${
              event.commitSha?.slice(0, 7) ?? ''
            } updates the image tag in Git.`,
            severity: 'low',
          };
        default:
          return {
            kind: 'writes',
            key,
            title: `Image update ${request}: ${image}`,
            description: `A ${noun} proposes the newest tag the policy allows; review and merge it.`,
            severity: 'low',
          };
      }
    });
  }

  private async errorNotices(change: EntityStatusChange): Promise<Notice[]> {
    const status = change.status!;
    if (!status.lastCheckedAt) return [];
    const failing = status.images.filter(i => i.state === 'error');
    const { cycles, startedAt } = await this.options.store.countErrorStreak(
      change.entityRef,
      failing.length > 0,
      Date.parse(status.lastCheckedAt),
    );
    if (cycles < ERROR_CYCLES_BEFORE_NOTICE) return [];
    return [
      {
        kind: 'errors',
        // One notice per episode: the streak's first failing check names it.
        key: `streak:${startedAt}`,
        title: `Image automation failing for ${cycles} checks in a row`,
        description: failing
          .map(i => `${i.name}: ${i.error?.message ?? 'error'}`)
          .join('\n'),
        severity: 'high',
      },
    ];
  }

  private async send(change: EntityStatusChange, notice: Notice) {
    const { store, notifications, logger } = this.options;
    const claimed = await store.claimNotification(
      change.entityRef,
      notice.kind,
      notice.key,
      this.now(),
    );
    if (!claimed) return;
    const { kind, namespace, name } = parseEntityRef(change.entityRef);
    await notifications.send({
      recipients: { type: 'entity', entityRef: change.overview!.owner! },
      payload: {
        title: notice.title,
        description: notice.description,
        link: `/catalog/${namespace}/${kind.toLocaleLowerCase(
          'en-US',
        )}/${name}`,
        severity: notice.severity,
        topic: 'image-automation',
        scope: `image-automation:${change.entityRef}:${notice.kind}`,
      },
    });
    logger.info(
      `Notified ${change.overview!.owner} of ${notice.kind} on ${
        change.entityRef
      }`,
    );
  }
}
