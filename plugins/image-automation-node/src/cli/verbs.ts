/** One verb of the `image-automation` CLI (SPEC §6). */
export interface CliVerb {
  name: string;
  usage: string;
  summary: string;
  exitCodes: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** The process streams a verb may use; tests pass their own. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<string>;
  cwd: string;
}

function notImplemented(name: string): CliVerb['run'] {
  return async (_args, io) => {
    io.stderr(`image-automation ${name}: not implemented yet\n`);
    return 2;
  };
}

export const verbs: CliVerb[] = [
  {
    name: 'policy',
    usage: 'policy --policy JSON [--tags-file F]',
    summary:
      'reads tags (one a line, from F or stdin) and prints the tag the policy chooses',
    exitCodes: '0 chosen, 1 none matches, 2 invalid policy',
    run: notImplemented('policy'),
  },
  {
    name: 'apply',
    usage: 'apply --dir D --images JSON [--files F,…] [--json]',
    summary:
      'rewrites the YAML files under D; JSON maps policy name to new image ref; prints the change report',
    exitCodes: '0 done, 2 bad input',
    run: notImplemented('apply'),
  },
  {
    name: 'lint',
    usage: 'lint FILE…',
    summary: "validates catalog-info files' image-automation annotations and config",
    exitCodes: '0 valid, 1 errors (file: key: message)',
    run: notImplemented('lint'),
  },
  {
    name: 'plan',
    usage: 'plan --entity FILE --dir D [--config app-config.yaml]',
    summary:
      'scans the registries and prints the change a pull request would make, as a unified diff',
    exitCodes: '0 done, 1 errors',
    run: notImplemented('plan'),
  },
];
