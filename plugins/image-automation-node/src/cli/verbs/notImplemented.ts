import { CliVerb } from './types';

/** A placeholder for a verb whose issue has not landed yet. */
export function notImplemented(name: string): CliVerb['run'] {
  return async (_args, io) => {
    io.stderr(`image-automation ${name}: not implemented yet\n`);
    return 2;
  };
}
