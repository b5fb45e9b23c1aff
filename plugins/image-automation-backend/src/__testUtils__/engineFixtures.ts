/*
 * Fixtures the engine and write-back tests share: a catalog Component that
 * carries image-automation annotations, and the automation engine wired to
 * Backstage's mock services over a given database and configuration.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { metricsServiceMock } from '@backstage/backend-test-utils/alpha';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { JsonObject } from '@backstage/types';
import { Knex } from 'knex';
import { createAutomationEngine } from '../engine/createAutomationEngine';

/** A production service Component `default/<name>` owned by team-a, with these annotations. */
export function componentEntity(
  name: string,
  annotations: Record<string, string>,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      type: 'service',
      owner: 'group:default/team-a',
      lifecycle: 'production',
    },
  };
}

/**
 * The automation engine over `knex`, reading `config` and a mock catalog of
 * `entities`; every other service is Backstage's mock. Returns the engine's
 * services plus the catalog and logger it was given.
 */
export async function engineOverMockServices(options: {
  knex: Knex;
  config: JsonObject;
  entities: Entity | Entity[];
  instanceId?: string;
  requestCycle?: () => Promise<void>;
  now?: () => number;
}) {
  const catalog = catalogServiceMock({ entities: [options.entities].flat() });
  const logger = mockServices.logger.mock();
  const services = await createAutomationEngine({
    config: mockServices.rootConfig({ data: options.config }),
    logger,
    database: mockServices.database.mock({
      getClient: async () => options.knex,
    }),
    catalog,
    auth: mockServices.auth(),
    metrics: metricsServiceMock.mock(),
    instanceId: options.instanceId,
    requestCycle: options.requestCycle,
    now: options.now,
  });
  return { ...services, catalog, logger };
}

/**
 * A Deployment with one container whose `image` (a full reference) carries
 * the policy marker `name`: what most tests put in a repository.
 */
export function markedDeployment(
  name: string,
  image: string,
  options: { container?: string } = {},
): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  template:
    spec:
      containers:
        - name: ${options.container ?? name}
          image: ${image} # {"$imagepolicy": "${name}"}
`;
}

/** The `-old`/`+new` lines of a unified diff, without its file headers. */
export function changedLinesOf(diff: string): string[] {
  return diff.split('\n').filter(line => /^[-+](?![-+])/.test(line));
}
