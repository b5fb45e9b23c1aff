import {
  AuthService,
  DatabaseService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { MetricsService } from '@backstage/backend-plugin-api/alpha';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { parseImageReference } from '@image-automation/plugin-image-automation-common';
import {
  EcrCredentialsProvider,
  RegistryClient,
  readRegistriesConfig,
  RegistryClientOptions,
  RegistryCredentialsProvider,
} from '@image-automation/plugin-image-automation-node';
import { readPluginConfig } from '../config/readPluginConfig';
import { DatabaseImageAutomationStore } from '../database/DatabaseImageAutomationStore';
import { DatabaseRegistryFactsStore } from '../database/DatabaseRegistryFactsStore';
import { BuildTimeResolver } from '../scanning/BuildTimeResolver';
import { CycleDigestReader } from '../scanning/CycleDigestReader';
import { CatalogDiscovery } from '../discovery/CatalogDiscovery';
import { ImageAutomationMetrics } from '../metrics';
import { RepositoryScanner } from '../scanning/RepositoryScanner';
import { createGitHosts } from '../scm/createGitHosts';
import { EntityStatusReadModel } from '../service/EntityStatusReadModel';
import { WriteBackCoordinator } from '../writeback/WriteBackCoordinator';
import { AutomationEngine } from './AutomationEngine';

/**
 * Builds the engine and everything it needs from config and core services;
 * the plugin and the tests assemble it the same way.
 */
export async function createAutomationEngine(options: {
  config: Config;
  logger: LoggerService;
  database: DatabaseService;
  catalog: CatalogService;
  auth: AuthService;
  metrics: MetricsService;
  providers?: RegistryCredentialsProvider[];
  registryOptions?: Omit<RegistryClientOptions, 'registries' | 'providers'>;
  /** Unused since leases carry a token per acquisition; kept for callers. */
  instanceId?: string;
  /** Starts the scheduled cycle (for pushes held back by the 10-second limit). */
  requestCycle?: () => Promise<void>;
  now?: () => number;
}) {
  const { config, logger } = options;
  const now = options.now ?? Date.now;
  const settings = readPluginConfig(config, logger);
  const store = await DatabaseImageAutomationStore.create({
    database: options.database,
  });
  // Its tables come with the migrations the store above has just run.
  const facts = await DatabaseRegistryFactsStore.create({
    database: options.database,
    skipMigrations: true,
  });
  // What the status endpoint answers from; the engine says what it changed.
  const statusReadModel = new EntityStatusReadModel(store, logger, now);
  const metrics = ImageAutomationMetrics.create(options.metrics);
  const providers = [...(options.providers ?? [])];
  // ECR's AWS modules load only when a registry entry asks for them.
  if (readRegistriesConfig(config).some(entry => entry.type === 'ecr')) {
    providers.push(EcrCredentialsProvider.fromConfig(config));
  }
  const registry = RegistryClient.fromConfig(config, {
    ...options.registryOptions,
    providers,
  });
  const gitHosts = createGitHosts({ config, logger, now });
  const engine: AutomationEngine = new AutomationEngine({
    discovery: new CatalogDiscovery({
      catalog: options.catalog,
      auth: options.auth,
      logger,
      gitHosts,
      permissions: settings.permissions,
    }),
    scanner: new RepositoryScanner({ registry, store, logger, metrics, now }),
    gitHosts,
    store,
    logger,
    metrics,
    defaultIntervalMs: settings.defaultIntervalMs,
    permissions: settings.permissions,
    writeBack: new WriteBackCoordinator({
      store,
      logger,
      metrics,
      permissions: settings.permissions,
      labels: settings.labels,
      appBaseUrl: config.getOptionalString('app.baseUrl'),
      digestOf: (image, tag): Promise<string> => {
        const reference = parseImageReference(image);
        return engine.digestOf(reference, tag, () =>
          registry.getDigest(reference, tag),
        );
      },
      now,
    }),
    onStatusChanged: async refs => statusReadModel.invalidate(refs),
    registryFacts: {
      store: facts,
      buildTimes: new BuildTimeResolver({ registry, facts, logger, now }),
      digestReader: () => new CycleDigestReader({ registry, facts, now }),
    },
    requestCycle: options.requestCycle,
    now,
  });
  return {
    settings,
    store,
    facts,
    registry,
    engine,
    metrics,
    statusReadModel,
  };
}
