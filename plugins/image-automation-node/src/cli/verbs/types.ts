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
