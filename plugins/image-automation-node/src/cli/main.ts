import { CliIo, CliVerb, verbs as defaultVerbs } from './verbs';

export function usage(verbs: CliVerb[] = defaultVerbs): string {
  const width = Math.max(...verbs.map(v => v.usage.length));
  const lines = verbs.map(
    v => `  ${v.usage.padEnd(width)}  ${v.summary}\n  ${''.padEnd(width)}  exit: ${v.exitCodes}`,
  );
  return [
    'Usage: image-automation <verb> [options]',
    '',
    'Keeps container image tags in Git at the newest tag their policy allows.',
    '',
    'Verbs:',
    ...lines,
    '',
    'Run `image-automation <verb> --help` for the options of one verb.',
    '',
  ].join('\n');
}

/** Runs the CLI and returns its exit code; never calls process.exit itself. */
export async function main(
  argv: string[],
  io: CliIo,
  verbs: CliVerb[] = defaultVerbs,
): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage(verbs));
    return 0;
  }
  const verb = verbs.find(v => v.name === name);
  if (!verb) {
    io.stderr(`image-automation: unknown verb "${name}"\n\n${usage(verbs)}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`Usage: image-automation ${verb.usage}\n\n${verb.summary}\nexit: ${verb.exitCodes}\n`);
    return 0;
  }
  return verb.run(rest, io);
}

/** Process entry: wires the real streams and exits with the verb's code. */
export function runCli(): void {
  const io: CliIo = {
    stdout: text => process.stdout.write(text),
    stderr: text => process.stderr.write(text),
    cwd: process.env.INIT_CWD ?? process.cwd(),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
  main(process.argv.slice(2), io).then(
    code => {
      process.exitCode = code;
    },
    error => {
      process.stderr.write(`image-automation: ${error?.stack ?? error}\n`);
      process.exitCode = 2;
    },
  );
}
