import {
  AuthService,
  DatabaseService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { MetricsService } from '@backstage/backend-plugin-api/alpha';
import { Config } from '@backstage/config';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  EcrCredentialsProvider,
  RegistryClient,
  readRegistriesConfig,
  RegistryClientOptions,
  RegistryCredentialsProvider,
} from '@image-automation/plugin-image-automation-node';
import { readPluginConfig } from '../config/readPluginConfig';
import { DatabaseImageAutomationStore } from '../database/DatabaseImageAutomationStore';
import { CatalogDiscovery } from '../discovery/CatalogDiscovery';
import { ImageAutomationMetrics } from '../metrics';
import { RepositoryScanner } from '../scanning/RepositoryScanner';
import { GitManifestReader } from '../scm/GitManifestReader';
import { GithubClients } from '../scm/GithubClients';
import { AutomationEngine } from './AutomationEngine';
import { EntityStatusReadModel } from '../service/EntityStatusReadModel';
import { GithubWriteBack } from '../writeback/GithubWriteBack';

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
  /** Identifies this replica in write-back leases. */
  instanceId?: string;
  now?: () => number;
}) {
  const { config, logger } = options;
  const now = options.now ?? Date.now;
  const settings = readPluginConfig(config, logger);
  const store = await DatabaseImageAutomationStore.create({
    database: options.database,
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
  const clients = GithubClients.fromConfig(config, { logger });
  const gitReader = new GitManifestReader(clients);
  const engine = new AutomationEngine({
    discovery: new CatalogDiscovery({
      catalog: options.catalog,
      auth: options.auth,
      logger,
      gitReader,
    }),
    scanner: new RepositoryScanner({ registry, store, logger, metrics, now }),
    gitReader,
    store,
    logger,
    metrics,
    defaultIntervalMs: settings.defaultIntervalMs,
    writeBack: new GithubWriteBack({
      gitReader,
      store,
      logger,
      metrics,
      instanceId:
        options.instanceId ??
        `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
      labels: settings.labels,
      appBaseUrl: config.getOptionalString('app.baseUrl'),
      now,
    }),
    onStatusChanged: async refs => statusReadModel.invalidate(refs),
    now,
  });
  return { settings, store, registry, engine, metrics, statusReadModel };
}
