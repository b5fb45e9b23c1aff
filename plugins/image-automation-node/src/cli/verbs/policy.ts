import { notImplemented } from './notImplemented';
import { CliVerb } from './types';

export const policyVerb: CliVerb = {
  name: 'policy',
  usage: 'policy --policy JSON [--tags-file F]',
  summary:
    'reads tags (one a line, from F or stdin) and prints the tag the policy chooses',
  exitCodes: '0 chosen, 1 none matches, 2 invalid policy',
  run: notImplemented('policy'),
};
