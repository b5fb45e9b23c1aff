import { parseDocument } from 'yaml';
import { validatePolicySpec } from '../policies';
import { ConfigReader, join, Mapping } from './configReader';
import { FULL_FORM_EXAMPLES as EXAMPLES } from './examples';
import { readGit } from './gitSection';
import {
  checkPolicy,
  describeInvalidContainerName,
  describeInvalidImageName,
  describeInvalidImageRepository,
} from './imageFields';
import { describeValue, ProblemList } from './problems';
import { checkRelativePath } from './relativePath';
import type { ParsedForm } from './shorthandForm';
import type {
  DigestReflectionPolicy,
  ImageAutomationSpec,
  PolicySpec,
} from './types';
import { SAFE_MODE } from './writeBackMode';

/** Larger config text is refused rather than parsed: nobody writes that much by hand. */
export const MAX_CONFIG_TEXT_LENGTH = 256 * 1024;

/** YAML aliases are expanded at most this often, so a billion-laughs document cannot blow up memory. */
const MAX_ALIAS_COUNT = 100;

/** The keys allowed at each level, each with the example shown when it is misspelt. */
const ROOT_KEYS = {
  images: EXAMPLES.root,
  git: EXAMPLES.git,
  interval: EXAMPLES.interval,
};
const IMAGE_KEYS = {
  name: EXAMPLES.name,
  image: EXAMPLES.imageRef,
  policy: EXAMPLES.policy,
  filterTags: EXAMPLES.filterTags,
  files: EXAMPLES.files,
  container: EXAMPLES.container,
  minimumAge: EXAMPLES.minimumAge,
  allowDowngrade: EXAMPLES.allowDowngrade,
  digestReflectionPolicy: EXAMPLES.digestReflectionPolicy,
};
const POLICY_KINDS = {
  semver: EXAMPLES.policy,
  alphabetical: 'policy: { alphabetical: { order: asc } }',
  numerical: 'policy: { numerical: { order: asc } }',
  newestBuild: EXAMPLES.newestBuild,
};
const DIGEST_REFLECTION_POLICIES: readonly DigestReflectionPolicy[] = [
  'Never',
  'IfNotPresent',
  'Always',
];
const FILTER_KEYS = {
  pattern: EXAMPLES.filterTags,
  extract: EXAMPLES.filterTags,
};

/**
 * The full form: YAML with `images`, `git` and `interval`, from the
 * `image-automation/config` annotation or a file. `source` starts every
 * problem key. Each image with a problem is left out and the others kept; a
 * problem in `git` puts the entity in observe mode until it is fixed, so
 * that a typo never writes somewhere nobody asked for.
 */
export function parseFullForm(
  text: string,
  source: string,
  problems: ProblemList,
): ParsedForm {
  const reader = new ConfigReader(source, problems);
  const nothing: ParsedForm = { images: [], mode: SAFE_MODE };

  if (text.length > MAX_CONFIG_TEXT_LENGTH) {
    reader.report(
      '',
      `the config is ${text.length} characters long; at most ${MAX_CONFIG_TEXT_LENGTH} are read`,
    );
    return nothing;
  }
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0) {
    const first = document.errors[0].message.split('\n')[0].replace(/:$/, '');
    reader.report('', `the config is not valid YAML: ${first}`, EXAMPLES.root);
    return nothing;
  }
  let root: unknown;
  try {
    root = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    reader.report(
      '',
      `the config cannot be read: ${(error as Error).message}`,
      EXAMPLES.root,
    );
    return nothing;
  }
  if (root === null || root === undefined) {
    reader.report('', 'the config is empty', EXAMPLES.root);
    return nothing;
  }
  const config = reader.mapping(root, '', EXAMPLES.root);
  if (!config) return nothing;
  reader.unknownKeys(config, '', ROOT_KEYS);

  const { mode, git } = readGit(config.git, reader);
  return {
    images: readImages(config.images, reader),
    mode,
    git,
    intervalMs: reader.duration(config, '', 'interval', EXAMPLES.interval),
  };
}

function readImages(
  value: unknown,
  reader: ConfigReader,
): ImageAutomationSpec[] {
  if (value === undefined || value === null) {
    reader.report('images', 'the list of images is missing', EXAMPLES.root);
    return [];
  }
  if (!Array.isArray(value)) {
    reader.report(
      'images',
      `expected a list of images, found ${describeValue(value)}`,
      EXAMPLES.root,
    );
    return [];
  }
  if (value.length === 0) {
    reader.report('images', 'the list of images is empty', EXAMPLES.root);
    return [];
  }
  const images: ImageAutomationSpec[] = [];
  const firstIndexOfName = new Map<string, number>();
  value.forEach((entry, index) => {
    const path = `images[${index}]`;
    const image = readImage(entry, path, reader);
    if (!image) return;
    const first = firstIndexOfName.get(image.name);
    if (first !== undefined) {
      reader.report(
        join(path, 'name'),
        `${JSON.stringify(
          image.name,
        )} is already the name of images[${first}]; ` +
          `names must be unique because setter markers refer to them (${path} is left out)`,
        EXAMPLES.name,
      );
      return;
    }
    firstIndexOfName.set(image.name, index);
    images.push(image);
  });
  return images;
}

function readImage(
  value: unknown,
  path: string,
  reader: ConfigReader,
): ImageAutomationSpec | undefined {
  const entry = reader.mapping(value, path, EXAMPLES.image);
  if (!entry) return undefined;
  const before = reader.problems.mark();
  reader.unknownKeys(entry, path, IMAGE_KEYS);

  const name = reader.string(entry, path, 'name', EXAMPLES.name);
  if (entry.name === undefined || entry.name === null) {
    reader.report(
      join(path, 'name'),
      'the name is missing (setter markers refer to it)',
      EXAMPLES.name,
    );
  } else if (name !== undefined) {
    const problem = describeInvalidImageName(name);
    if (problem) reader.report(join(path, 'name'), problem, EXAMPLES.name);
  }

  const image = reader.string(entry, path, 'image', EXAMPLES.imageRef);
  if (entry.image === undefined || entry.image === null) {
    reader.report(
      join(path, 'image'),
      'the image is missing',
      EXAMPLES.imageRef,
    );
  } else if (image !== undefined) {
    const problem = describeInvalidImageRepository(image);
    if (problem) reader.report(join(path, 'image'), problem, EXAMPLES.imageRef);
  }

  const policy = readPolicy(entry, path, reader);
  const files = readFiles(entry.files, join(path, 'files'), reader);

  const container = reader.string(entry, path, 'container', EXAMPLES.container);
  if (container !== undefined) {
    const problem = describeInvalidContainerName(container);
    if (problem)
      reader.report(join(path, 'container'), problem, EXAMPLES.container);
  }

  const minimumAgeMs = reader.duration(
    entry,
    path,
    'minimumAge',
    EXAMPLES.minimumAge,
  );

  const allowDowngrade = entry.allowDowngrade ?? false;
  if (typeof allowDowngrade !== 'boolean') {
    reader.report(
      join(path, 'allowDowngrade'),
      `expected true or false (without quotes), found ${describeValue(
        allowDowngrade,
      )}`,
      EXAMPLES.allowDowngrade,
    );
  }

  const digestReflectionPolicy = entry.digestReflectionPolicy;
  if (
    digestReflectionPolicy !== undefined &&
    digestReflectionPolicy !== null &&
    !DIGEST_REFLECTION_POLICIES.includes(
      digestReflectionPolicy as DigestReflectionPolicy,
    )
  ) {
    reader.report(
      join(path, 'digestReflectionPolicy'),
      `expected Never, IfNotPresent or Always (as in Flux), found ${describeValue(
        digestReflectionPolicy,
      )}`,
      EXAMPLES.digestReflectionPolicy,
    );
  }

  if (reader.problems.since(before) || !name || !image || !policy || !files)
    return undefined;
  const spec: ImageAutomationSpec = {
    name,
    image: image.trim(),
    policy,
    files,
    allowDowngrade: allowDowngrade === true,
  };
  if (container !== undefined) spec.container = container.trim();
  if (minimumAgeMs !== undefined) spec.minimumAgeMs = minimumAgeMs;
  if (typeof digestReflectionPolicy === 'string') {
    spec.digestReflectionPolicy =
      digestReflectionPolicy as DigestReflectionPolicy;
  }
  return spec;
}

/** `policy` (Flux's `spec.policy`) and `filterTags` beside it, checked by the policy engine. */
function readPolicy(
  entry: Mapping,
  path: string,
  reader: ConfigReader,
): PolicySpec | undefined {
  const policyPath = join(path, 'policy');
  if (entry.policy === undefined || entry.policy === null) {
    reader.report(
      policyPath,
      'the policy is missing: say which tags may be deployed',
      EXAMPLES.policy,
    );
    return undefined;
  }
  if (typeof entry.policy === 'string') {
    reader.report(
      policyPath,
      `expected a mapping in Flux's shape, found ${describeValue(
        entry.policy,
      )} ` +
        '(the "semver: <range>" string form is for the image-automation/policy annotation)',
      EXAMPLES.policy,
    );
    return undefined;
  }
  const policy = reader.mapping(entry.policy, policyPath, EXAMPLES.policy);
  let broken = !policy;
  if (policy) {
    const { filterTags: misplaced, ...kinds } = policy;
    const before = reader.problems.mark();
    if (misplaced !== undefined) {
      reader.report(
        join(policyPath, 'filterTags'),
        'filterTags goes beside policy, not inside it',
        EXAMPLES.filterTags,
      );
    }
    reader.unknownKeys(kinds, policyPath, POLICY_KINDS);
    if (reader.problems.since(before)) broken = true;
  }

  const filterPath = join(path, 'filterTags');
  let filterTags: Mapping | undefined;
  if (entry.filterTags !== undefined && entry.filterTags !== null) {
    filterTags = reader.mapping(
      entry.filterTags,
      filterPath,
      EXAMPLES.filterTags,
    );
    if (!filterTags) broken = true;
    else {
      const before = reader.problems.mark();
      reader.unknownKeys(filterTags, filterPath, FILTER_KEYS);
      if (reader.problems.since(before)) broken = true;
    }
  }
  if (broken || !policy) return undefined;

  const candidate = (
    filterTags ? { ...policy, filterTags } : policy
  ) as PolicySpec;
  const problem = checkPolicy(candidate);
  if (problem) {
    if (problem.field === 'policy')
      reader.report(policyPath, problem.message, EXAMPLES.policy);
    else {
      const field = problem.field === 'extract' ? 'extract' : 'pattern';
      reader.report(
        join(filterPath, field),
        problem.message,
        EXAMPLES.filterTags,
      );
    }
    return undefined;
  }
  return validatePolicySpec(candidate);
}

function readFiles(
  value: unknown,
  path: string,
  reader: ConfigReader,
): string[] | undefined {
  if (value === undefined || value === null) {
    reader.report(
      path,
      'the files are missing: list the files that hold the image',
      EXAMPLES.files,
    );
    return undefined;
  }
  if (!Array.isArray(value)) {
    reader.report(
      path,
      `expected a list of paths, found ${describeValue(value)}`,
      EXAMPLES.files,
    );
    return undefined;
  }
  if (value.length === 0) {
    reader.report(path, 'the list of files is empty', EXAMPLES.files);
    return undefined;
  }
  const files: string[] = [];
  let broken = false;
  value.forEach((entry, index) => {
    const entryPath = `${path}[${index}]`;
    if (typeof entry !== 'string') {
      reader.report(
        entryPath,
        `expected a path, found ${describeValue(entry)}`,
        EXAMPLES.files,
      );
      broken = true;
      return;
    }
    const checked = checkRelativePath(entry);
    if ('problem' in checked) {
      reader.report(entryPath, checked.problem, EXAMPLES.files);
      broken = true;
    } else if (!files.includes(checked.path)) {
      files.push(checked.path);
    }
  });
  return broken ? undefined : files;
}
