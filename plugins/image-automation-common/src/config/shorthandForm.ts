import { ANNOTATIONS } from '../annotations';
import type { WriteBackMode } from '../api';
import { validatePolicySpec } from '../policies';
import { InvalidDurationError, parseDuration } from './duration';
import { shorthandImageName } from './entityDefaults';
import { SHORTHAND_EXAMPLES } from './examples';
import {
  checkPolicy,
  describeInvalidContainerName,
  describeInvalidImageRepository,
  PolicyField,
} from './imageFields';
import { ProblemList } from './problems';
import { checkRelativePath } from './relativePath';
import { parseShorthandPolicy } from './shorthandPolicy';
import type {
  EntityLike,
  GitWriteBackSpec,
  ImageAutomationSpec,
  PolicySpec,
} from './types';
import { SAFE_MODE, toWriteBackMode, WRITE_BACK_MODES } from './writeBackMode';

/** What one of the two forms yields before the entity-wide parts are added. */
export interface ParsedForm {
  images: ImageAutomationSpec[];
  mode: WriteBackMode;
  /** Everything of the git section but the mode, which is always known. */
  git?: Omit<GitWriteBackSpec, 'mode'>;
  intervalMs?: number;
}

/** The shorthand keys that describe the image (the others are entity-wide). */
const IMAGE_KEYS: readonly string[] = [
  ANNOTATIONS.image,
  ANNOTATIONS.policy,
  ANNOTATIONS.filterTags,
  ANNOTATIONS.filterExtract,
  ANNOTATIONS.files,
  ANNOTATIONS.container,
  ANNOTATIONS.minimumAge,
  ANNOTATIONS.allowDowngrade,
];

/** The annotation key a policy problem belongs under. */
const POLICY_FIELD_KEYS: Record<PolicyField, string> = {
  policy: ANNOTATIONS.policy,
  filterTags: ANNOTATIONS.filterTags,
  extract: ANNOTATIONS.filterExtract,
};

/** Reads a duration annotation; reports and returns undefined when it is not one. */
export function readDurationAnnotation(
  annotations: Record<string, string>,
  key: string,
  example: string,
  problems: ProblemList,
): number | undefined {
  const value = annotations[key];
  if (value === undefined) return undefined;
  try {
    return parseDuration(value);
  } catch (error) {
    if (!(error instanceof InvalidDurationError)) throw error;
    problems.add(key, error.message, example);
    return undefined;
  }
}

/**
 * The shorthand form: one image, named after the entity (see
 * {@link shorthandImageName}). The image is left out, with its problems
 * reported, when any of its annotations is wrong.
 */
export function parseShorthandForm(
  annotations: Record<string, string>,
  entity: EntityLike,
  problems: ProblemList,
  /** Keys present with a value that is not a string (already reported). */
  unreadable: ReadonlySet<string> = new Set(),
): ParsedForm {
  const beforeImage = problems.mark();

  const image = annotations[ANNOTATIONS.image];
  if (image === undefined) {
    problems.add(
      ANNOTATIONS.image,
      `the image is missing: set ${ANNOTATIONS.image} (one image) or ${ANNOTATIONS.config} (several images)`,
      SHORTHAND_EXAMPLES.image,
    );
  } else {
    const problem = describeInvalidImageRepository(image);
    if (problem)
      problems.add(ANNOTATIONS.image, problem, SHORTHAND_EXAMPLES.image);
  }

  const policy = readPolicy(annotations, problems);

  const files = readFileList(annotations[ANNOTATIONS.files], problems);

  const container = annotations[ANNOTATIONS.container];
  if (container !== undefined) {
    const problem = describeInvalidContainerName(container);
    if (problem)
      problems.add(
        ANNOTATIONS.container,
        problem,
        SHORTHAND_EXAMPLES.container,
      );
  }

  const minimumAgeMs = readDurationAnnotation(
    annotations,
    ANNOTATIONS.minimumAge,
    SHORTHAND_EXAMPLES.minimumAge,
    problems,
  );

  const allowDowngradeText = annotations[ANNOTATIONS.allowDowngrade]?.trim();
  if (
    allowDowngradeText !== undefined &&
    allowDowngradeText !== 'true' &&
    allowDowngradeText !== 'false'
  ) {
    problems.add(
      ANNOTATIONS.allowDowngrade,
      `${JSON.stringify(allowDowngradeText)} is neither "true" nor "false"`,
      SHORTHAND_EXAMPLES.allowDowngrade,
    );
  }

  const imageKeyUnreadable = IMAGE_KEYS.some(key => unreadable.has(key));
  const images: ImageAutomationSpec[] = [];
  if (
    !problems.since(beforeImage) &&
    !imageKeyUnreadable &&
    image !== undefined &&
    policy &&
    files
  ) {
    const spec: ImageAutomationSpec = {
      name: shorthandImageName(entity),
      image: image.trim(),
      policy,
      files,
      allowDowngrade: allowDowngradeText === 'true',
    };
    if (container !== undefined) spec.container = container.trim();
    if (minimumAgeMs !== undefined) spec.minimumAgeMs = minimumAgeMs;
    images.push(spec);
  }

  return {
    images,
    mode: readModeAnnotation(annotations, problems),
    intervalMs: readDurationAnnotation(
      annotations,
      ANNOTATIONS.interval,
      SHORTHAND_EXAMPLES.interval,
      problems,
    ),
  };
}

/** `image-automation/mode`; a wrong value observes only, and says so. */
export function readModeAnnotation(
  annotations: Record<string, string>,
  problems: ProblemList,
): WriteBackMode {
  const value = annotations[ANNOTATIONS.mode];
  if (value === undefined) return 'pull-request';
  const mode = toWriteBackMode(value.trim());
  if (mode) return mode;
  problems.add(
    ANNOTATIONS.mode,
    `unknown mode ${JSON.stringify(value)}; use ${WRITE_BACK_MODES.join(
      ', ',
    )} ` +
      `(until it is fixed nothing is written: the entity is in ${SAFE_MODE} mode)`,
    SHORTHAND_EXAMPLES.mode,
  );
  return SAFE_MODE;
}

function readPolicy(
  annotations: Record<string, string>,
  problems: ProblemList,
): PolicySpec | undefined {
  const policyText = annotations[ANNOTATIONS.policy];
  const pattern = annotations[ANNOTATIONS.filterTags];
  const extract = annotations[ANNOTATIONS.filterExtract];

  let policy: PolicySpec | undefined;
  if (policyText === undefined) {
    problems.add(
      ANNOTATIONS.policy,
      'the policy is missing: say which tags may be deployed',
      SHORTHAND_EXAMPLES.policy,
    );
  } else {
    try {
      policy = parseShorthandPolicy(policyText);
    } catch (error) {
      problems.add(
        ANNOTATIONS.policy,
        (error as Error).message,
        SHORTHAND_EXAMPLES.policy,
      );
    }
  }
  if (pattern === undefined && extract === undefined) return policy;

  // With a broken policy the filter is still checked (against a neutral
  // order), so every problem shows up in one round.
  const filterTags: PolicySpec['filterTags'] = {};
  if (pattern !== undefined) filterTags.pattern = pattern;
  if (extract !== undefined) filterTags.extract = extract;
  const candidate: PolicySpec = {
    ...(policy ?? { alphabetical: { order: 'asc' } }),
    filterTags,
  };
  const problem = checkPolicy(candidate);
  if (problem) {
    const key = POLICY_FIELD_KEYS[problem.field];
    const example =
      key === ANNOTATIONS.filterExtract
        ? SHORTHAND_EXAMPLES.filterExtract
        : SHORTHAND_EXAMPLES.filterTags;
    problems.add(key, problem.message, example);
    return undefined;
  }
  return policy ? validatePolicySpec(candidate) : undefined;
}

function readFileList(
  value: string | undefined,
  problems: ProblemList,
): string[] | undefined {
  if (value === undefined || value.trim().length === 0) {
    problems.add(
      ANNOTATIONS.files,
      `${
        value === undefined
          ? 'the files are missing'
          : 'the list of files is empty'
      }: ` +
        'name the files that hold the image, separated by commas, relative to the repository root',
      SHORTHAND_EXAMPLES.files,
    );
    return undefined;
  }
  const entries = value.split(',');
  const files: string[] = [];
  let broken = false;
  entries.forEach((entry, index) => {
    if (entry.trim().length === 0) {
      problems.add(
        ANNOTATIONS.files,
        `entry ${index + 1} of ${entries.length} is empty (a stray comma?)`,
        SHORTHAND_EXAMPLES.files,
      );
      broken = true;
      return;
    }
    const checked = checkRelativePath(entry);
    if ('problem' in checked) {
      problems.add(
        ANNOTATIONS.files,
        checked.problem,
        SHORTHAND_EXAMPLES.files,
      );
      broken = true;
    } else if (!files.includes(checked.path)) {
      files.push(checked.path);
    }
  });
  return broken ? undefined : files;
}
