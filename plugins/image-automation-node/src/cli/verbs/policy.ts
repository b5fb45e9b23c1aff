import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ImagePolicySpec,
  InvalidPolicyError,
  createTagPolicy,
} from '@image-automation/plugin-image-automation-common';
import { describeFsError } from '../../plan/describeFsError';
import { readCreatedLines } from './readCreatedLines';
import { CliVerb } from './types';

const USAGE = 'policy --policy JSON [--tags-file F] [--created-file F]';
const EXAMPLE =
  '{"semver":{"range":">=1.4.0 <2.0.0"},"filterTags":{"pattern":"^v(?P<v>.*)$","extract":"$v"}}';

/**
 * `image-automation policy`: the policy engine on the command line, for
 * trying a policy against a registry's tags before putting it in the catalog.
 */
export const policyVerb: CliVerb = {
  name: 'policy',
  usage: USAGE,
  summary:
    'reads tags (one a line, from F or stdin) and prints the tag the policy chooses; ' +
    '--created-file gives build times for newestBuild (a tag, whitespace, an RFC 3339 time, a line; ' +
    'its tags are the tags read when there is no --tags-file)',
  exitCodes: '0 chosen, 1 none matches, 2 invalid policy',
  run: async (args, io) => {
    const fail = (message: string) => {
      io.stderr(`image-automation policy: ${message}\n`);
      return 2;
    };
    let values: {
      policy?: string;
      'tags-file'?: string;
      'created-file'?: string;
    };
    try {
      ({ values } = parseArgs({
        args,
        options: {
          policy: { type: 'string' },
          'tags-file': { type: 'string' },
          'created-file': { type: 'string' },
        },
        strict: true,
        allowPositionals: false,
      }));
    } catch (error) {
      return fail(
        `${(error as Error).message} (usage: image-automation ${USAGE})`,
      );
    }
    if (values.policy === undefined) {
      return fail(`--policy is required, e.g. --policy '${EXAMPLE}'`);
    }

    let spec: unknown;
    try {
      spec = JSON.parse(values.policy);
    } catch (error) {
      return fail(
        `--policy is not valid JSON (${
          (error as Error).message
        }); expected e.g. ${EXAMPLE}`,
      );
    }
    let policy;
    try {
      policy = createTagPolicy(spec as ImagePolicySpec);
    } catch (error) {
      if (error instanceof InvalidPolicyError) return fail(error.message);
      throw error;
    }

    const readArgFile = async (
      flag: string,
      file: string,
    ): Promise<string | { problem: string }> => {
      try {
        return await readFile(resolve(io.cwd, file), 'utf8');
      } catch (error) {
        return {
          problem: `cannot read --${flag} ${JSON.stringify(
            file,
          )} (${describeFsError(error)})`,
        };
      }
    };

    let created: Record<string, number> | undefined;
    const createdFile = values['created-file'];
    if (createdFile !== undefined) {
      const content = await readArgFile('created-file', createdFile);
      if (typeof content !== 'string') return fail(content.problem);
      const read = readCreatedLines(content);
      if ('problem' in read)
        return fail(`--created-file ${createdFile}: ${read.problem}`);
      created = read.created;
    } else if (policy.spec.newestBuild) {
      return fail(
        'newestBuild orders tags by when their image was built: give the build times with --created-file F ' +
          '(a tag, whitespace, an RFC 3339 time, a line, e.g. "v1.2.0 2024-06-01T10:00:00Z")',
      );
    }

    let text: string;
    const tagsFile = values['tags-file'];
    if (tagsFile !== undefined) {
      const content = await readArgFile('tags-file', tagsFile);
      if (typeof content !== 'string') return fail(content.problem);
      text = content;
    } else if (created) {
      text = Object.keys(created).join('\n');
    } else {
      text = await io.readStdin();
    }

    const tags = readTagLines(text);
    const evaluation = policy.evaluate(tags, created && { created });
    if (evaluation.latest === undefined) {
      const example = evaluation.excluded[0];
      const why = example
        ? `; e.g. ${JSON.stringify(example.tag)}: ${example.reason}`
        : '';
      io.stderr(
        `image-automation policy: no tag satisfies ${policy.describe()} ` +
          `(${tags.length} tag${
            tags.length === 1 ? '' : 's'
          } read, 0 allowed${why})\n`,
      );
      return 1;
    }
    io.stdout(`${evaluation.latest}\n`);
    return 0;
  },
};

/**
 * One tag a line; blank lines and the `\r` of CRLF files are ignored. Other
 * whitespace is kept, so a malformed line is reported as an invalid tag
 * rather than silently repaired.
 */
function readTagLines(text: string): string[] {
  return text
    .split('\n')
    .map(line => (line.endsWith('\r') ? line.slice(0, -1) : line))
    .filter(line => line.trim().length > 0);
}
