import { Config, ConfigReader } from '@backstage/config';
import {
  ConfigSources,
  FileConfigSource,
  StaticConfigSource,
} from '@backstage/config-loader';
import { PlanError } from './PlanError';

/**
 * The app-config a plan takes its registries and credentials from, loaded the
 * way Backstage loads it (`${VAR}` substituted from the environment,
 * `$include`/`$file` resolved beside the file). Without a path: an empty
 * config, so only the public registries are allowed, anonymously.
 *
 * @param path - absolute path of the file
 * @param label - the path as the user gave it, for messages
 * @throws PlanError when the file is missing or invalid
 */
export async function loadAppConfig(
  path: string | undefined,
  label = path,
): Promise<Config> {
  if (path === undefined) return new ConfigReader({});
  try {
    const config = await ConfigSources.toConfig(
      ConfigSources.merge([
        // An empty base: without it, a file holding only comments fails
        // with "Missing required config value at ''".
        StaticConfigSource.create({
          data: {},
          context: 'image-automation plan',
        }),
        FileConfigSource.create({ path, watch: false }),
      ]),
    );
    // Read once: nothing watches the file in a one-shot command.
    config.close();
    return config;
  } catch (error) {
    throw new PlanError(`cannot load --config ${label}: ${firstLine(error)}`);
  }
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0];
}
