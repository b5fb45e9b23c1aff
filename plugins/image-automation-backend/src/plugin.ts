import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { imageAutomationPermissions } from '@image-automation/plugin-image-automation-common';
import {
  RegistryCredentialsProvider,
  imageAutomationRegistryAuthExtensionPoint,
} from '@image-automation/plugin-image-automation-node';
import { createAutomationEngine } from './engine/createAutomationEngine';
import { createRouter } from './service/router';

/** The task id shared by every replica; the scheduler runs it once cluster-wide. */
export const CYCLE_TASK_ID = 'image-automation-cycle';

/**
 * Wires the plugin's services together; the work itself lives in the engine,
 * the store and the router.
 * @public
 */
export const imageAutomationPlugin = createBackendPlugin({
  pluginId: 'image-automation',
  register(env) {
    const providers: RegistryCredentialsProvider[] = [];
    env.registerExtensionPoint(imageAutomationRegistryAuthExtensionPoint, {
      addProvider(provider) {
        providers.push(provider);
      },
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
        metrics: metricsServiceRef,
      },
      async init(deps) {
        const { config, logger, scheduler, httpRouter, lifecycle } = deps;
        const { settings, store, registry, engine, statusReadModel } =
          await createAutomationEngine({
            config,
            logger,
            database: deps.database,
            catalog: deps.catalog,
            auth: deps.auth,
            metrics: deps.metrics,
            providers,
          });
        lifecycle.addShutdownHook(() => registry.close());

        deps.permissionsRegistry.addPermissions(imageAutomationPermissions);
        httpRouter.use(
          await createRouter({
            logger,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            catalog: deps.catalog,
            store,
            engine,
            statusReadModel,
            triggerCycle: settings.enabled
              ? async () => {
                  try {
                    await scheduler.triggerTask(CYCLE_TASK_ID);
                  } catch (error) {
                    // Running already: the cycle takes the request on its next pass.
                    if ((error as Error).name !== 'ConflictError') throw error;
                  }
                }
              : undefined,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });

        if (settings.enabled) {
          await scheduler.scheduleTask({
            id: CYCLE_TASK_ID,
            scope: 'global',
            ...settings.schedule,
            fn: async signal => {
              await engine.runCycle({ signal });
            },
          });
        }
      },
    });
  },
});
