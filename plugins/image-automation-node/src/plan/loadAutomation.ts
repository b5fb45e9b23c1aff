import {
  ANNOTATIONS,
  AutomationSpec,
  ConfigProblem,
  EntityLike,
  parseAutomationConfigFile,
  parseEntityAnnotations,
} from '@image-automation/plugin-image-automation-common';
import { PlanError } from './PlanError';
import { RepositoryDir } from './RepositoryDir';

/** The entity's automation as the backend would see it. */
export interface LoadedAutomation {
  /** Only the images without problems; undefined when none is usable. */
  spec?: AutomationSpec;
  /** Every problem, of the annotations and of a config file they name. */
  problems: ConfigProblem[];
}

/**
 * Parses the entity's annotations with the backend's own parser; a config
 * file named by `image-automation/config` is read from the checkout, as the
 * backend reads it from the repository at the base branch.
 *
 * @throws PlanError when the named config file is not in the checkout
 */
export async function loadAutomation(
  entity: EntityLike,
  dir: RepositoryDir,
): Promise<LoadedAutomation> {
  const parsed = parseEntityAnnotations(entity);
  if (!parsed.configFile) {
    return { spec: parsed.spec, problems: parsed.problems };
  }
  const text = await dir.read(parsed.configFile);
  if (text === undefined) {
    throw new PlanError(
      `${ANNOTATIONS.config} names ${parsed.configFile}, which is not in ${dir.label}; ` +
        'check the path (relative to the repository root) or point --dir at the repository root',
    );
  }
  const fromFile = parseAutomationConfigFile(text, entity, parsed.configFile);
  return {
    spec: fromFile.spec,
    problems: [...parsed.problems, ...fromFile.problems],
  };
}
