import {
  ImageAutomationSpec,
  TagPolicy,
} from '@image-automation/plugin-image-automation-common';
import { findCurrentTags } from '../rewriting';

/** The tag the files hold for one image, or why it cannot be told. */
export interface CurrentTag {
  tag?: string;
  /** `file:line` the tag was read from. */
  where?: string;
  problem?: string;
  /** Other places that hold a different tag, in words. */
  disagreement?: string;
}

/**
 * The tag each image has in the files, read as the backend reads it at the
 * base branch head (see findCurrentTags), but strict: a file the engine
 * refuses fails its images, since the plan could not rewrite it either.
 *
 * @param files - path → content of the images' files that exist
 * @param policies - image name → its policy, to find the lowest tag when
 *   several places disagree
 */
export function readCurrentTags(
  images: readonly ImageAutomationSpec[],
  files: ReadonlyMap<string, string>,
  policies: ReadonlyMap<string, TagPolicy>,
): { current: Map<string, CurrentTag>; warnings: string[] } {
  const { current, warnings } = findCurrentTags(images, files, policies, {
    strict: true,
  });
  const located = new Map<string, CurrentTag>();
  for (const [name, { tag, file, line, problem, disagreement }] of current) {
    located.set(
      name,
      problem === undefined
        ? { tag, where: `${file}:${line}`, disagreement }
        : { problem },
    );
  }
  return { current: located, warnings };
}
