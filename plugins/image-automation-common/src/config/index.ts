export type {
  AutomationSpec,
  DigestReflectionPolicy,
  EntityLike,
  GitWriteBackSpec,
  ImageAutomationSpec,
  PolicySpec,
} from './types';
export type { ParsedAnnotations } from './parseEntityAnnotations';
export {
  hasAutomationAnnotations,
  parseAutomationConfigFile,
  parseEntityAnnotations,
} from './parseEntityAnnotations';
export { defaultPushBranch, shorthandImageName } from './entityDefaults';
export { parseShorthandPolicy } from './shorthandPolicy';
export { InvalidDurationError, parseDuration } from './duration';
export { describeConfigProblem } from './problems';
export { WRITE_BACK_MODES } from './writeBackMode';
export { MAX_CONFIG_TEXT_LENGTH } from './fullForm';
