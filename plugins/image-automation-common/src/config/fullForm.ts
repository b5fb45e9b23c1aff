import { parseDocument } from 'yaml';
import type { WriteBackMode } from '../api';
import { validatePolicySpec } from '../policies';
import { describeInvalidBranchName } from './branchName';
import { InvalidDurationError, parseDuration } from './duration';
import { FULL_FORM_EXAMPLES as EXAMPLES } from './examples';
import {
  checkPolicy,
  describeInvalidContainerName,
  describeInvalidImageName,
  describeInvalidImageRepository,
} from './imageFields';
import { describeValue, fieldKey, ProblemList } from './problems';
import { checkRelativePath } from './relativePath';
import type { ParsedForm } from './shorthandForm';
import { describeUnknownKey, suggestKey } from './suggestKey';
import type {
  GitWriteBackSpec,
  ImageAutomationSpec,
  PolicySpec,
} from './types';
import { SAFE_MODE, toWriteBackMode, WRITE_BACK_MODES } from './writeBackMode';

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
};
const POLICY_KINDS = {
  semver: EXAMPLES.policy,
  alphabetical: 'policy: { alphabetical: { order: asc } }',
  numerical: 'policy: { numerical: { order: asc } }',
};
const FILTER_KEYS = {
  pattern: EXAMPLES.filterTags,
  extract: EXAMPLES.filterTags,
};
const GIT_KEYS = {
  mode: EXAMPLES.mode,
  baseBranch: EXAMPLES.baseBranch,
  pushBranch: EXAMPLES.pushBranch,
  commit: EXAMPLES.commit,
  pullRequest: EXAMPLES.pullRequest,
};
const COMMIT_KEYS = {
  messageTemplate: EXAMPLES.messageTemplate,
  author: EXAMPLES.author,
};
const AUTHOR_KEYS = { name: EXAMPLES.author, email: EXAMPLES.author };
const PULL_REQUEST_KEYS = {
  title: EXAMPLES.pullRequest,
  body: EXAMPLES.pullRequest,
  labels: EXAMPLES.labels,
};

type Mapping = Record<string, unknown>;

function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reports problems at paths inside one config text. */
class ConfigReader {
  constructor(
    private readonly source: string,
    readonly problems: ProblemList,
  ) {}

  report(path: string, message: string, example?: string): void {
    this.problems.add(fieldKey(this.source, path), message, example);
  }

  /** A mapping, or a problem saying what was found instead. */
  mapping(value: unknown, path: string, example: string): Mapping | undefined {
    if (isMapping(value)) return value;
    this.report(
      path,
      `expected a mapping, found ${describeValue(value)}`,
      example,
    );
    return undefined;
  }

  /**
   * Reports every key outside `allowed` (the keys of `examples`), suggesting
   * the key it was likely meant to be, with that key's example.
   */
  unknownKeys(
    value: Mapping,
    path: string,
    examples: Record<string, string>,
  ): void {
    const allowed = Object.keys(examples);
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) {
        const suggestion = suggestKey(key, allowed);
        this.report(
          join(path, key),
          describeUnknownKey(key, allowed),
          suggestion ? examples[suggestion] : undefined,
        );
      }
    }
  }

  /** An optional string (undefined when absent or not a string; the latter reported). */
  string(
    value: Mapping,
    path: string,
    field: string,
    example: string,
  ): string | undefined {
    const found = value[field];
    if (found === undefined || found === null) return undefined;
    if (typeof found === 'string') return found;
    this.report(
      join(path, field),
      `expected a string, found ${describeValue(found)}`,
      example,
    );
    return undefined;
  }

  duration(
    value: Mapping,
    path: string,
    field: string,
    example: string,
  ): number | undefined {
    const found = value[field];
    if (found === undefined || found === null) return undefined;
    if (typeof found !== 'string') {
      const hint =
        typeof found === 'number' ? '; give a unit, e.g. "2h" or "90s"' : '';
      this.report(
        join(path, field),
        `expected a duration, found ${describeValue(found)}${hint}`,
        example,
      );
      return undefined;
    }
    try {
      return parseDuration(found);
    } catch (error) {
      if (!(error instanceof InvalidDurationError)) throw error;
      this.report(join(path, field), error.message, example);
      return undefined;
    }
  }
}

function join(path: string, field: string): string {
  return path ? `${path}.${field}` : field;
}

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

function readGit(
  value: unknown,
  reader: ConfigReader,
): { mode: WriteBackMode; git?: Omit<GitWriteBackSpec, 'mode'> } {
  if (value === undefined || value === null) return { mode: 'pull-request' };
  const section = reader.mapping(value, 'git', EXAMPLES.git);
  if (!section) return { mode: SAFE_MODE };
  const before = reader.problems.mark();
  reader.unknownKeys(section, 'git', GIT_KEYS);

  const modeText = reader.string(section, 'git', 'mode', EXAMPLES.mode);
  let mode: WriteBackMode = 'pull-request';
  if (modeText !== undefined) {
    const known = toWriteBackMode(modeText.trim());
    if (known) mode = known;
    else {
      reader.report(
        'git.mode',
        `unknown mode ${JSON.stringify(modeText)}; use ${WRITE_BACK_MODES.join(
          ', ',
        )}`,
        EXAMPLES.mode,
      );
    }
  }

  const git: Omit<GitWriteBackSpec, 'mode'> = {};
  for (const field of ['baseBranch', 'pushBranch'] as const) {
    const branch = reader.string(section, 'git', field, EXAMPLES[field]);
    if (branch === undefined) continue;
    const problem = describeInvalidBranchName(branch.trim());
    if (problem) {
      reader.report(
        `git.${field}`,
        `${JSON.stringify(branch)} is not a branch name: ${problem}`,
        EXAMPLES[field],
      );
    } else {
      git[field] = branch.trim();
    }
  }

  if (section.commit !== undefined && section.commit !== null) {
    const commit = reader.mapping(
      section.commit,
      'git.commit',
      EXAMPLES.commit,
    );
    if (commit) {
      reader.unknownKeys(commit, 'git.commit', COMMIT_KEYS);
      git.commit = {};
      const messageTemplate = reader.string(
        commit,
        'git.commit',
        'messageTemplate',
        EXAMPLES.messageTemplate,
      );
      if (messageTemplate !== undefined) {
        if (messageTemplate.trim().length === 0) {
          reader.report(
            'git.commit.messageTemplate',
            'the message template is empty',
            EXAMPLES.messageTemplate,
          );
        } else git.commit.messageTemplate = messageTemplate;
      }
      const author = readAuthor(commit.author, reader);
      if (author) git.commit.author = author;
    }
  }

  if (section.pullRequest !== undefined && section.pullRequest !== null) {
    const pullRequest = reader.mapping(
      section.pullRequest,
      'git.pullRequest',
      EXAMPLES.pullRequest,
    );
    if (pullRequest) {
      reader.unknownKeys(pullRequest, 'git.pullRequest', PULL_REQUEST_KEYS);
      git.pullRequest = {};
      const title = reader.string(
        pullRequest,
        'git.pullRequest',
        'title',
        EXAMPLES.pullRequest,
      );
      if (title !== undefined) git.pullRequest.titleTemplate = title;
      const body = reader.string(
        pullRequest,
        'git.pullRequest',
        'body',
        EXAMPLES.pullRequest,
      );
      if (body !== undefined) git.pullRequest.bodyTemplate = body;
      const labels = readLabels(pullRequest.labels, reader);
      if (labels) git.pullRequest.labels = labels;
    }
  }

  if (reader.problems.since(before)) {
    reader.problems.appendSince(
      before,
      `; nothing is written until the git settings are fixed (${SAFE_MODE} mode)`,
    );
    return { mode: SAFE_MODE, git };
  }
  return { mode, git };
}

function readAuthor(
  value: unknown,
  reader: ConfigReader,
): { name?: string; email?: string } | undefined {
  if (value === undefined || value === null) return undefined;
  const path = 'git.commit.author';
  const author = reader.mapping(value, path, EXAMPLES.author);
  if (!author) return undefined;
  reader.unknownKeys(author, path, AUTHOR_KEYS);
  const result: { name?: string; email?: string } = {};
  const name = reader.string(author, path, 'name', EXAMPLES.author);
  if (name !== undefined) {
    if (name.trim().length === 0 || /[<>\n]/.test(name)) {
      reader.report(
        join(path, 'name'),
        `${JSON.stringify(name)} is not a usable author name`,
        EXAMPLES.author,
      );
    } else result.name = name.trim();
  }
  const email = reader.string(author, path, 'email', EXAMPLES.author);
  if (email !== undefined) {
    if (!/^[^\s<>@]+@[^\s<>@]+$/.test(email.trim())) {
      reader.report(
        join(path, 'email'),
        `${JSON.stringify(email)} is not an email address`,
        EXAMPLES.author,
      );
    } else result.email = email.trim();
  }
  return result;
}

function readLabels(
  value: unknown,
  reader: ConfigReader,
): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const path = 'git.pullRequest.labels';
  if (!Array.isArray(value)) {
    reader.report(
      path,
      `expected a list of labels, found ${describeValue(value)}`,
      EXAMPLES.labels,
    );
    return undefined;
  }
  const labels: string[] = [];
  value.forEach((label, index) => {
    if (typeof label !== 'string' || label.trim().length === 0) {
      reader.report(
        `${path}[${index}]`,
        `expected a label, found ${describeValue(label)}`,
        EXAMPLES.labels,
      );
    } else if (!labels.includes(label.trim())) {
      labels.push(label.trim());
    }
  });
  return labels;
}
