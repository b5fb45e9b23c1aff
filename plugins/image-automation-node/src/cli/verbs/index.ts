import { applyVerb } from './apply';
import { lintVerb } from './lint';
import { planVerb } from './plan';
import { policyVerb } from './policy';
import { CliVerb } from './types';

export type { CliIo, CliVerb } from './types';

/** The verbs of SPEC §6, in the order `--help` lists them. */
export const verbs: CliVerb[] = [policyVerb, applyVerb, lintVerb, planVerb];
