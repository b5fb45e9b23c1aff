import { ANNOTATION_PREFIX, ANNOTATIONS } from '../annotations';
import type { ConfigProblem } from '../api';
import {
  isConfigFileReference,
  normaliseConfigFileReference,
} from './configReference';
import { defaultPushBranch } from './entityDefaults';
import { SHORTHAND_EXAMPLES } from './examples';
import { parseFullForm } from './fullForm';
import { describeValue, ProblemList } from './problems';
import { resolveRepository } from './repository';
import { ParsedForm, parseShorthandForm } from './shorthandForm';
import { suggestKey } from './suggestKey';
import type { AutomationSpec, EntityLike } from './types';

/** What {@link parseEntityAnnotations} and {@link parseAutomationConfigFile} return. @public */
export interface ParsedAnnotations {
  /**
   * The automation, holding only the images without problems. Undefined when
   * no image is valid, or when the config lives in a file (see `configFile`).
   * `repository` is undefined when none could be found (a problem says so).
   */
  spec?: AutomationSpec;
  /**
   * Set when `image-automation/config` names a file in the repository: the
   * path relative to the repository root (`./x.yaml` and `/x.yaml` both give
   * `x.yaml`). The caller reads the file at the base branch and passes its
   * text to {@link parseAutomationConfigFile}.
   */
  configFile?: string;
  /**
   * The Git repository of the manifests (as in `spec.repository`), also when
   * the config lives in a file and `spec` is undefined: it is where the file
   * is read from.
   */
  repository?: string;
  /** Every problem found, each naming its key, what is wrong and an example. */
  problems: ConfigProblem[];
}

const KNOWN_KEYS: readonly string[] = Object.values(ANNOTATIONS);
const EXAMPLE_OF_KEY = new Map<string, string>(
  (Object.keys(ANNOTATIONS) as Array<keyof typeof ANNOTATIONS>).map(name => [
    ANNOTATIONS[name],
    SHORTHAND_EXAMPLES[name],
  ]),
);

/** Shorthand keys that mean nothing beside the full form, and where they go instead. */
const FULL_FORM_HOMES: Record<string, string> = {
  [ANNOTATIONS.image]: 'images[].image',
  [ANNOTATIONS.policy]: 'images[].policy',
  [ANNOTATIONS.filterTags]: 'images[].filterTags.pattern',
  [ANNOTATIONS.filterExtract]: 'images[].filterTags.extract',
  [ANNOTATIONS.files]: 'images[].files',
  [ANNOTATIONS.container]: 'images[].container',
  [ANNOTATIONS.minimumAge]: 'images[].minimumAge',
  [ANNOTATIONS.allowDowngrade]: 'images[].allowDowngrade',
  [ANNOTATIONS.mode]: 'git.mode',
  [ANNOTATIONS.interval]: 'interval',
};

/**
 * True when the entity has any `image-automation/` annotation: the ones that
 * configure an automation and also misspelt ones, so that a typo is reported
 * rather than silently ignored. Catalog queries can filter on
 * `ANNOTATIONS.image` and `ANNOTATIONS.config`.
 * @public
 */
export function hasAutomationAnnotations(entity: EntityLike): boolean {
  return Object.keys(entity.metadata.annotations ?? {}).some(key =>
    key.startsWith(ANNOTATION_PREFIX),
  );
}

/**
 * Reads an entity's image automation from its annotations (SPEC §3): the
 * shorthand keys or `image-automation/config`, the repository, and every
 * problem. Pure: a config file is not read here but returned as
 * `configFile`.
 * @public
 */
export function parseEntityAnnotations(entity: EntityLike): ParsedAnnotations {
  const problems = new ProblemList();
  const unreadable = new Set<string>();
  const annotations = readOwnAnnotations(entity, problems, unreadable);
  if (
    Object.keys(annotations).every(key => !key.startsWith(ANNOTATION_PREFIX))
  ) {
    return { problems: problems.items };
  }

  const config = annotations[ANNOTATIONS.config];
  if (config === undefined) {
    const form = parseShorthandForm(annotations, entity, problems, unreadable);
    const repository = resolveRepository(annotations, problems);
    return result(toSpec(form, entity, repository), repository, problems);
  }

  reportShorthandBesideConfig(annotations, problems);
  if (config.trim().length === 0) {
    problems.add(
      ANNOTATIONS.config,
      'the config is empty: give the YAML inline or the path of a file in the repository',
      SHORTHAND_EXAMPLES.config,
    );
    return result(
      undefined,
      resolveRepository(annotations, problems),
      problems,
    );
  }
  if (isConfigFileReference(config)) {
    const checked = normaliseConfigFileReference(config);
    if ('problem' in checked) {
      problems.add(
        ANNOTATIONS.config,
        checked.problem,
        SHORTHAND_EXAMPLES.config,
      );
    }
    const parsed = result(
      undefined,
      resolveRepository(annotations, problems),
      problems,
    );
    return 'path' in checked ? { ...parsed, configFile: checked.path } : parsed;
  }
  const form = parseFullForm(config, ANNOTATIONS.config, problems);
  const repository = resolveRepository(annotations, problems);
  return result(toSpec(form, entity, repository), repository, problems);
}

/**
 * Parses the full form read from the file that `image-automation/config`
 * names. `source` (the file path) starts every problem key. Only the text's
 * own problems are returned: those of the annotations came with
 * {@link parseEntityAnnotations}, so the caller shows both lists.
 * @public
 */
export function parseAutomationConfigFile(
  text: string,
  entity: EntityLike,
  source: string,
): ParsedAnnotations {
  const problems = new ProblemList();
  const form = parseFullForm(text, source, problems);
  // The repository's own problem was reported with the annotations.
  const repository = resolveRepository(
    readOwnAnnotations(entity, new ProblemList()),
    new ProblemList(),
  );
  return result(toSpec(form, entity, repository), repository, problems);
}

function result(
  spec: AutomationSpec | undefined,
  repository: string | undefined,
  problems: ProblemList,
): ParsedAnnotations {
  const parsed: ParsedAnnotations = { problems: problems.items };
  if (spec) parsed.spec = spec;
  if (repository !== undefined) parsed.repository = repository;
  return parsed;
}

function toSpec(
  form: ParsedForm,
  entity: EntityLike,
  repository: string | undefined,
): AutomationSpec | undefined {
  if (form.images.length === 0) return undefined;
  const spec: AutomationSpec = {
    images: form.images,
    git: {
      ...form.git,
      mode: form.mode,
      pushBranch: form.git?.pushBranch ?? defaultPushBranch(entity),
    },
  };
  if (repository !== undefined) spec.repository = repository;
  if (form.intervalMs !== undefined) spec.intervalMs = form.intervalMs;
  return spec;
}

/**
 * The entity's annotations that are strings. The catalog only stores strings,
 * but the CLI reads raw YAML, where `true` or `2` unquoted is not one; those
 * are reported, collected in `unreadable` and otherwise treated as absent.
 * Unknown `image-automation/` keys are reported with the key they were
 * likely meant to be.
 */
function readOwnAnnotations(
  entity: EntityLike,
  problems: ProblemList,
  unreadable = new Set<string>(),
): Record<string, string> {
  const raw: Record<string, unknown> = entity.metadata.annotations ?? {};
  const annotations: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    const ours = key.startsWith(ANNOTATION_PREFIX);
    if (typeof value !== 'string') {
      if (ours) {
        problems.add(key, ...describeNonString(key, value));
        unreadable.add(key);
      }
      continue;
    }
    if (ours && !KNOWN_KEYS.includes(key)) {
      reportUnknownAnnotation(key, problems);
      continue;
    }
    annotations[key] = value;
  }
  return annotations;
}

function reportShorthandBesideConfig(
  annotations: Record<string, string>,
  problems: ProblemList,
): void {
  for (const [key, home] of Object.entries(FULL_FORM_HOMES)) {
    if (annotations[key] === undefined) continue;
    const message =
      key === ANNOTATIONS.image
        ? `both ${ANNOTATIONS.image} (shorthand) and ${ANNOTATIONS.config} (full form) are set: ` +
          `remove ${ANNOTATIONS.image} and the other shorthand keys, or remove ${ANNOTATIONS.config}; ` +
          `until then only ${ANNOTATIONS.config} is used`
        : `is ignored because ${ANNOTATIONS.config} is set: remove it, or move it into the config as ${home}`;
    problems.add(key, message);
  }
}

/**
 * Typos are matched on the part after the prefix, which is where they are;
 * the example is the one of the key it was likely meant to be.
 */
function reportUnknownAnnotation(key: string, problems: ProblemList): void {
  const suffixes = KNOWN_KEYS.map(known =>
    known.slice(ANNOTATION_PREFIX.length),
  );
  const suggestion = suggestKey(key.slice(ANNOTATION_PREFIX.length), suffixes);
  if (!suggestion) {
    problems.add(
      key,
      `unknown annotation; the known ones are ${KNOWN_KEYS.join(', ')}`,
    );
    return;
  }
  const meant = `${ANNOTATION_PREFIX}${suggestion}`;
  problems.add(
    key,
    `unknown annotation; did you mean ${meant}?`,
    EXAMPLE_OF_KEY.get(meant),
  );
}

/** The catalog stores strings only; say how to write the value as one. */
function describeNonString(key: string, value: unknown): [string, string] {
  if (typeof value === 'object' && value !== null) {
    return [
      `annotation values must be strings, found ${describeValue(
        value,
      )}; write YAML as a block string after "|"`,
      `${key}: |`,
    ];
  }
  return [
    `annotation values must be strings, found ${describeValue(
      value,
    )}; quote the value`,
    `${key}: "${String(value ?? '')}"`,
  ];
}
