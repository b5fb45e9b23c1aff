import { notImplemented } from './notImplemented';
import { CliVerb } from './types';

export const lintVerb: CliVerb = {
  name: 'lint',
  usage: 'lint FILE…',
  summary:
    "validates catalog-info files' image-automation annotations and config",
  exitCodes: '0 valid, 1 errors (file: key: message)',
  run: notImplemented('lint'),
};
