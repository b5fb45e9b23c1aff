import type { WriteBackMode } from '../api';
import { describeInvalidBranchName } from './branchName';
import { ConfigReader, join } from './configReader';
import { FULL_FORM_EXAMPLES as EXAMPLES } from './examples';
import { describeValue } from './problems';
import type { GitWriteBackSpec } from './types';
import { SAFE_MODE, toWriteBackMode, WRITE_BACK_MODES } from './writeBackMode';

/** The keys allowed at each level of `git`, each with the example shown when it is misspelt. */
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

/**
 * The full form's `git` section. Any problem in it puts the entity in
 * observe mode until it is fixed: a typo must never write somewhere nobody
 * asked for.
 */
export function readGit(
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
