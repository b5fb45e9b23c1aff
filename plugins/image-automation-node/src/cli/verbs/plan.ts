import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  describeConfigProblem,
  shortDigest,
} from '@image-automation/plugin-image-automation-common';
import {
  ImagePlan,
  PlanError,
  RepositoryDir,
  checkAuthorization,
  entityRefOf,
  loadAppConfig,
  loadAutomation,
  planAutomation,
  readWriteBackPermissions,
  selectEntity,
} from '../../plan';
import { describeFsError } from '../../plan/describeFsError';
import { RegistryClient } from '../../registry';
import { CliVerb } from './types';

const USAGE =
  'plan --entity FILE --dir D [--config app-config.yaml] [--registered-from URL]';

/**
 * `image-automation plan`: what the backend would propose for one entity,
 * against a local checkout. Per image a one-line summary on stderr, the
 * unified diff a pull request would apply on stdout; nothing is written.
 */
export const planVerb: CliVerb = {
  name: 'plan',
  usage: USAGE,
  summary:
    'scans the registries and prints the change a pull request would make, as a unified diff',
  exitCodes: '0 done, 1 errors, 2 bad arguments',
  run: async (args, io) => {
    const badArguments = (message: string) => {
      io.stderr(
        `image-automation plan: ${message}\nUsage: image-automation ${USAGE} [--entity-ref REF]\n`,
      );
      return 2;
    };
    let values: {
      entity?: string;
      dir?: string;
      config?: string;
      'entity-ref'?: string;
      'registered-from'?: string;
    };
    try {
      ({ values } = parseArgs({
        args,
        options: {
          entity: { type: 'string' },
          dir: { type: 'string' },
          config: { type: 'string' },
          'entity-ref': { type: 'string' },
          'registered-from': { type: 'string' },
        },
        strict: true,
        allowPositionals: false,
      }));
    } catch (error) {
      return badArguments((error as Error).message);
    }
    if (!values.entity) {
      return badArguments(
        '--entity is required (the catalog-info file of the entity)',
      );
    }
    if (!values.dir) {
      return badArguments(
        '--dir is required (the root of the repository checkout)',
      );
    }

    let registry: RegistryClient | undefined;
    try {
      const dir = await RepositoryDir.open(
        resolve(io.cwd, values.dir),
        values.dir,
      );
      const entity = selectEntity(
        await readEntityFile(resolve(io.cwd, values.entity), values.entity),
        values.entity,
        values['entity-ref'],
      );
      const { spec, problems } = await loadAutomation(entity, dir);
      for (const problem of problems) {
        io.stderr(`${describeConfigProblem(problem)}\n`);
      }
      if (!spec) {
        throw new PlanError(
          `${entityRefOf(entity)} has no usable image; fix the problems above`,
        );
      }

      const config = await loadAppConfig(
        values.config === undefined
          ? undefined
          : resolve(io.cwd, values.config),
        values.config,
      );
      // What the operator does not allow is a problem here as on the card.
      const authorization = checkAuthorization({
        entity,
        repository: spec.repository,
        mode: spec.git.mode,
        permissions: readWriteBackPermissions(config),
        registeredFrom: values['registered-from'],
      });
      for (const problem of authorization.problems) {
        io.stderr(`${describeConfigProblem(problem)}\n`);
      }
      try {
        registry = RegistryClient.fromConfig(config);
      } catch (error) {
        throw new PlanError(
          `--config ${values.config}: ${(error as Error).message}`,
        );
      }

      const result = await planAutomation(spec, { dir, registry });
      for (const warning of result.warnings) io.stderr(`warning: ${warning}\n`);
      for (const image of result.images) io.stderr(describeImagePlan(image));
      io.stdout(result.diff);
      const failed =
        result.images.some(image => image.error) ||
        authorization.problems.length > 0;
      if (!failed && !result.diff) io.stderr('no change\n');
      return failed ? 1 : 0;
    } catch (error) {
      if (!(error instanceof PlanError)) throw error;
      if (error.exitCode === 2) return badArguments(error.message);
      io.stderr(`image-automation plan: ${error.message}\n`);
      return 1;
    } finally {
      await registry?.close();
    }
  },
};

/** `api: 1.0.0 -> 1.2.0 (semver ^1.0.0)`, `api: up to date at 1.2.0`, then notes. */
function describeImagePlan(image: ImagePlan): string {
  const lines: string[] = [];
  if (image.error) {
    lines.push(`${image.name}: error: ${image.error}`);
  } else if (image.updateDue) {
    lines.push(
      `${image.name}: ${image.currentTag} -> ${target(image)} (${
        image.policy
      })`,
    );
  } else {
    lines.push(`${image.name}: up to date at ${target(image)}`);
  }
  for (const note of image.notes) lines.push(`${image.name}: note: ${note}`);
  return lines.map(line => `${line}\n`).join('');
}

/** `1.2.0`, or `1.2.0@sha256:0123456789ab` where the files pin a digest. */
function target(image: ImagePlan): string {
  return image.targetDigest
    ? `${image.targetTag}@${shortDigest(image.targetDigest)}`
    : image.targetTag!;
}

async function readEntityFile(path: string, label: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new PlanError(
      `cannot read --entity ${label} (${describeFsError(error)})`,
    );
  }
}
