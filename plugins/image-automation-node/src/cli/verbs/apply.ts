import { notImplemented } from './notImplemented';
import { CliVerb } from './types';

export const applyVerb: CliVerb = {
  name: 'apply',
  usage: 'apply --dir D --images JSON [--files F,…] [--json]',
  summary:
    'rewrites the YAML files under D; JSON maps policy name to new image ref; prints the change report',
  exitCodes: '0 done, 2 bad input',
  run: notImplemented('apply'),
};
