import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import type { EntityImageAutomation } from '@image-automation/plugin-image-automation-common';
import { DatabaseImageAutomationStore } from '../database/DatabaseImageAutomationStore';
import { EntityStatusChange } from '../service/EntityStatusReadModel';
import { readNotificationKinds, StatusNotifier } from './StatusNotifier';

jest.setTimeout(30_000);
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const REF = 'component:default/api';
const OWNER = 'group:default/team-a';
const NOW = 10_000_000;

function change(status: Partial<EntityImageAutomation>): EntityStatusChange {
  return {
    entityRef: REF,
    status: {
      entityRef: REF,
      mode: 'pull-request',
      images: [],
      configProblems: [],
      ...status,
    },
    overview: { entityRef: REF, owner: OWNER } as any,
  };
}
const failingAt = (checkedAt: number) =>
  change({
    lastCheckedAt: new Date(checkedAt).toISOString(),
    images: [
      {
        name: 'api',
        image: 'ghcr.io/acme/api',
        policy: 'semver ^1',
        state: 'error',
        error: {
          kind: 'registry-auth',
          message:
            'ghcr.io denied access: add a token under imageAutomation.registries',
        },
      },
    ],
  });
const healthyAt = (checkedAt: number) =>
  change({ lastCheckedAt: new Date(checkedAt).toISOString(), images: [] });

describe.each(databases.eachSupportedId())(
  'StatusNotifier on %p',
  databaseId => {
    async function setup(config: object = {}) {
      const knex = await databases.init(databaseId);
      const store = await DatabaseImageAutomationStore.create({
        database: mockServices.database.mock({ getClient: async () => knex }),
      });
      const notifications = {
        send: jest.fn(async (_options: NotificationSendOptions) => {}),
      };
      const notifier = (
        kinds = readNotificationKinds(new ConfigReader(config)),
      ) =>
        new StatusNotifier({
          store,
          notifications,
          kinds,
          logger: mockServices.logger.mock(),
          now: () => NOW,
        });
      return { store, notifications, notifier };
    }

    it('tells the owner once when the entity has been in error for three checks in a row, with the fix', async () => {
      const { notifications, notifier } = await setup();
      const n = notifier();
      await n.onChange([failingAt(1000)]);
      await n.onChange([failingAt(2000)]);
      expect(notifications.send).not.toHaveBeenCalled();
      await n.onChange([failingAt(2000)]); // the same check told twice counts once
      expect(notifications.send).not.toHaveBeenCalled();
      await n.onChange([failingAt(3000)]);
      expect(notifications.send).toHaveBeenCalledTimes(1);
      expect(notifications.send).toHaveBeenCalledWith({
        recipients: { type: 'entity', entityRef: OWNER },
        payload: expect.objectContaining({
          title: 'Image automation failing for 3 checks in a row',
          description:
            'api: ghcr.io denied access: add a token under imageAutomation.registries',
          link: '/catalog/default/component/api',
          severity: 'high',
          topic: 'image-automation',
        }),
      });
      await n.onChange([failingAt(4000)]);
      await n.onChange([failingAt(5000)]);
      expect(notifications.send).toHaveBeenCalledTimes(1);

      // A new episode after a recovery is told again, after three more failures.
      await n.onChange([healthyAt(6000)]);
      for (const at of [7000, 8000, 9000]) await n.onChange([failingAt(at)]);
      expect(notifications.send).toHaveBeenCalledTimes(2);
    });

    it('sends an error notice once even when two replicas see the same checks', async () => {
      const { notifications, notifier } = await setup();
      const [a, b] = [notifier(), notifier()];
      for (const at of [1000, 2000, 3000]) {
        await a.onChange([failingAt(at)]);
        await b.onChange([failingAt(at)]);
      }
      expect(notifications.send).toHaveBeenCalledTimes(1);
    });

    it('tells the owner of a pull request written and of one declined, each once', async () => {
      const { store, notifications, notifier } = await setup();
      await store.appendHistory([
        {
          entityRef: REF,
          imageName: 'api',
          event: 'pr-opened',
          prNumber: 7,
          fromTag: '1.0.0',
          toTag: '1.1.0',
          createdAt: NOW - 1000,
        },
      ]);
      const n = notifier();
      await n.onChange([healthyAt(1000)]);
      await n.onChange([healthyAt(2000)]);
      expect(notifications.send).toHaveBeenCalledTimes(1);
      expect(notifications.send.mock.calls[0][0].payload).toMatchObject({
        title: 'Image update pull request #7: api 1.0.0 → 1.1.0',
        severity: 'low',
      });
      await store.appendHistory([
        {
          entityRef: REF,
          event: 'declined',
          prNumber: 7,
          detail: 'https://github.com/acme/d/pull/7 was closed without merging',
          createdAt: NOW - 500,
        },
      ]);
      await n.onChange([healthyAt(3000)]);
      expect(notifications.send).toHaveBeenCalledTimes(2);
      expect(notifications.send.mock.calls[1][0].payload).toMatchObject({
        title: 'Image update pull request #7 was declined',
        severity: 'normal',
      });
    });

    it('names a GitLab merge request as GitLab does: merge request !7', async () => {
      const { store, notifications, notifier } = await setup();
      await store.appendHistory([
        {
          entityRef: REF,
          imageName: 'api',
          event: 'pr-opened',
          prNumber: 7,
          fromTag: '1.0.0',
          toTag: '1.1.0',
          createdAt: NOW - 1000,
        },
        {
          entityRef: REF,
          event: 'declined',
          prNumber: 6,
          createdAt: NOW - 2000,
        },
      ]);
      const onGitlab = {
        ...healthyAt(1000),
        status: { ...healthyAt(1000).status!, gitHost: 'gitlab' as const },
      };
      await notifier().onChange([onGitlab]);
      const payloads = notifications.send.mock.calls.map(c => c[0].payload);
      expect(payloads).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            title: 'Image update merge request !7: api 1.0.0 → 1.1.0',
            description:
              'A merge request proposes the newest tag the policy allows; review and merge it.',
          }),
          expect.objectContaining({
            title: 'Image update merge request !6 was declined',
          }),
        ]),
      );
      expect(payloads).toHaveLength(2);
    });

    it('leaves old history alone: it is not news', async () => {
      const { store, notifications, notifier } = await setup();
      await store.appendHistory([
        {
          entityRef: REF,
          event: 'pushed',
          commitSha: 'abc',
          createdAt: NOW - 3 * 24 * 3600_000,
        },
      ]);
      await notifier().onChange([healthyAt(1000)]);
      expect(notifications.send).not.toHaveBeenCalled();
    });

    it('sends nothing of a kind switched off in config, or at all when disabled', async () => {
      expect(readNotificationKinds(new ConfigReader({}))).toEqual({
        writes: true,
        declined: true,
        errors: true,
      });
      expect(
        readNotificationKinds(
          new ConfigReader({
            imageAutomation: { notifications: { writes: false } },
          }),
        ),
      ).toEqual({ writes: false, declined: true, errors: true });
      expect(
        readNotificationKinds(
          new ConfigReader({
            imageAutomation: { notifications: { enabled: false } },
          }),
        ),
      ).toEqual({ writes: false, declined: false, errors: false });

      const { store, notifications, notifier } = await setup({
        imageAutomation: { notifications: { errors: false } },
      });
      await store.appendHistory([
        {
          entityRef: REF,
          event: 'pushed',
          commitSha: 'abcdef1',
          createdAt: NOW - 10,
        },
      ]);
      const n = notifier();
      for (const at of [1000, 2000, 3000]) await n.onChange([failingAt(at)]);
      expect(notifications.send).toHaveBeenCalledTimes(1);
      expect(notifications.send.mock.calls[0][0].payload.title).toMatch(
        /^Image update pushed/,
      );
    });

    it('sends nothing for an entity without an owner', async () => {
      const { notifications, notifier } = await setup();
      const n = notifier();
      for (const at of [1000, 2000, 3000]) {
        await n.onChange([
          { ...failingAt(at), overview: { entityRef: REF } as any },
        ]);
      }
      expect(notifications.send).not.toHaveBeenCalled();
    });
  },
);
