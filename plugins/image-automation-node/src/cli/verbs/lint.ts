import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  ConfigProblem,
  EntityLike,
  describeConfigProblem,
  parseAutomationConfigFile,
  parseEntityAnnotations,
} from '@image-automation/plugin-image-automation-common';
import { Config } from '@backstage/config';
import { describeFsError } from '../../plan/describeFsError';
import {
  checkAuthorization,
  readWriteBackPermissions,
} from '../../plan/checkAuthorization';
import { loadAppConfig } from '../../plan/loadAppConfig';
import { PlanError } from '../../plan/PlanError';
import {
  isEntity,
  readAnnotatedDocuments,
} from '../../plan/readAnnotatedDocuments';
import { CliVerb } from './types';

const USAGE = 'lint [--config app-config.yaml [--registered-from URL]] FILE…';

/** With --config, what the operator allows is checked too (repositories, push modes). */
interface OperatorView {
  config: Config;
  registeredFrom?: string;
}

/** A file that could not be linted: unreadable or not YAML (exit 2). */
class UnreadableFileError extends Error {}

/** What linting one catalog file found. */
interface FileReport {
  entities: number;
  entitiesWithProblems: number;
  problems: number;
  /** One line each: `file: key: message (example: …)`, and notes. */
  lines: string[];
}

/**
 * `image-automation lint FILE…`: the backend's own validation of the
 * `image-automation/*` annotations, run on catalog-info files before they
 * are committed. Problems go to stdout, one `file: key: message (example:
 * …)` line each, then a summary line; files that cannot be read or parsed
 * go to stderr and make the exit code 2.
 */
export const lintVerb: CliVerb = {
  name: 'lint',
  usage: USAGE,
  summary:
    "validates catalog-info files' image-automation annotations and config; problems on stdout",
  exitCodes:
    '0 valid, 1 errors (file: key: message), 2 unreadable file or invalid YAML',
  run: async (args, io) => {
    const fail = (message: string) => {
      io.stderr(`image-automation lint: ${message}\n`);
      return 2;
    };
    const files: string[] = [];
    let configPath: string | undefined;
    let registeredFrom: string | undefined;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      if (arg === '--config' || arg === '--registered-from') {
        const value = args[++i];
        if (value === undefined || value.startsWith('-')) {
          return fail(`${arg} needs a value (usage: image-automation ${USAGE})`);
        }
        if (arg === '--config') configPath = value;
        else registeredFrom = value;
      } else if (arg.startsWith('-')) {
        return fail(`unknown option ${arg} (usage: image-automation ${USAGE})`);
      } else {
        files.push(arg);
      }
    }
    if (registeredFrom && !configPath) {
      return fail(
        `--registered-from needs --config (usage: image-automation ${USAGE})`,
      );
    }
    let operator: OperatorView | undefined;
    if (configPath) {
      try {
        operator = {
          config: await loadAppConfig(resolve(io.cwd, configPath), configPath),
          registeredFrom,
        };
      } catch (error) {
        if (error instanceof PlanError) return fail(error.message);
        throw error;
      }
    }
    if (files.length === 0) {
      return fail(
        `name at least one catalog-info file (usage: image-automation ${USAGE})`,
      );
    }

    let unreadable = false;
    const total = { entities: 0, entitiesWithProblems: 0, problems: 0 };
    for (const file of files) {
      let report: FileReport;
      try {
        report = await lintFile(file, io.cwd, operator);
      } catch (error) {
        if (!(error instanceof UnreadableFileError)) throw error;
        io.stderr(`image-automation lint: ${error.message}\n`);
        unreadable = true;
        continue;
      }
      for (const line of report.lines) io.stdout(`${line}\n`);
      total.entities += report.entities;
      total.entitiesWithProblems += report.entitiesWithProblems;
      total.problems += report.problems;
    }

    io.stdout(`${summarise(total)}\n`);
    if (unreadable) return 2;
    return total.problems > 0 ? 1 : 0;
  },
};

function summarise(total: {
  entities: number;
  entitiesWithProblems: number;
  problems: number;
}): string {
  const checked = `${total.entities} ${plural(
    total.entities,
    'entity',
    'entities',
  )} checked`;
  if (total.problems === 0) {
    return total.entities === 0
      ? `${checked} (no entity has image-automation annotations)`
      : `${checked}, all valid`;
  }
  return (
    `${checked}, ${total.problems} ${plural(
      total.problems,
      'problem',
      'problems',
    )} in ` +
    `${total.entitiesWithProblems} ${plural(
      total.entitiesWithProblems,
      'entity',
      'entities',
    )}`
  );
}

function plural(count: number, one: string, many: string): string {
  return count === 1 ? one : many;
}

/** Lints every entity of one (multi-document) catalog file. */
async function lintFile(
  file: string,
  cwd: string,
  operator: OperatorView | undefined,
): Promise<FileReport> {
  const path = resolve(cwd, file);
  const text = await readText(path, file);
  const entities = readAnnotatedDocuments(
    text,
    file,
    message => new UnreadableFileError(message),
  );
  // With several automated entities in one file, each line says which one.
  const label = (entity: EntityLike) =>
    entities.length > 1 ? ` [${entityRef(entity)}]` : '';

  const report: FileReport = {
    entities: entities.length,
    entitiesWithProblems: 0,
    problems: 0,
    lines: [],
  };
  for (const { value: entity, document } of entities) {
    const problems = isEntity(entity)
      ? await lintEntity(
          entity,
          dirname(path),
          file,
          report.lines,
          label(entity),
          operator,
        )
      : [
          {
            key: `document ${document}`,
            message:
              'has image-automation annotations but is not a catalog entity (kind and metadata.name must be strings)',
          },
        ];
    report.problems += problems.length;
    if (problems.length > 0) report.entitiesWithProblems += 1;
    const suffix = isEntity(entity) ? label(entity) : '';
    for (const problem of problems) {
      report.lines.push(`${file}: ${describeConfigProblem(problem)}${suffix}`);
    }
  }
  return report;
}

/**
 * The entity's problems, with those of a config file it names when that
 * file is present beside the catalog file (the directory is taken as the
 * repository root); otherwise a note says the backend will read it.
 */
async function lintEntity(
  entity: EntityLike,
  directory: string,
  file: string,
  notes: string[],
  label: string,
  operator?: OperatorView,
): Promise<ConfigProblem[]> {
  const problems = await annotationProblems(entity, directory, file, notes, label);
  if (!operator) return problems;
  const parsed = parseEntityAnnotations(entity);
  const authorization = checkAuthorization({
    entity,
    repository: parsed.spec?.repository ?? parsed.repository,
    mode: parsed.spec?.git.mode ?? 'pull-request',
    permissions: readWriteBackPermissions(operator.config),
    registeredFrom: operator.registeredFrom,
  });
  for (const note of authorization.notes) {
    notes.push(`${file}: note: ${note}${label}`);
  }
  return [...problems, ...authorization.problems];
}

async function annotationProblems(
  entity: EntityLike,
  directory: string,
  file: string,
  notes: string[],
  label: string,
): Promise<ConfigProblem[]> {
  const parsed = parseEntityAnnotations(entity);
  if (!parsed.configFile) return parsed.problems;

  const configPath = resolve(directory, parsed.configFile);
  let text: string;
  try {
    text = await readFile(configPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new UnreadableFileError(
        `cannot read ${parsed.configFile}, named by ${file} (${describeFsError(
          error,
        )})`,
      );
    }
    notes.push(
      `${file}: image-automation/config: note: ${parsed.configFile} is not beside ${file}; ` +
        `the backend reads it from the repository (not checked here)${label}`,
    );
    return parsed.problems;
  }
  return [
    ...parsed.problems,
    ...parseAutomationConfigFile(text, entity, parsed.configFile).problems,
  ];
}

async function readText(path: string, file: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UnreadableFileError(
      `cannot read ${file} (${describeFsError(error)})`,
    );
  }
}

function entityRef(entity: EntityLike): string {
  return `${entity.kind.toLowerCase()}:${
    entity.metadata.namespace ?? 'default'
  }/${entity.metadata.name}`;
}
