import { notImplemented } from './notImplemented';
import { CliVerb } from './types';

export const planVerb: CliVerb = {
  name: 'plan',
  usage: 'plan --entity FILE --dir D [--config app-config.yaml]',
  summary:
    'scans the registries and prints the change a pull request would make, as a unified diff',
  exitCodes: '0 done, 1 errors',
  run: notImplemented('plan'),
};
