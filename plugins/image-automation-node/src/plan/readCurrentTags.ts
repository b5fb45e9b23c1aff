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
  /** True when some place pins a digest (`name:tag@sha256:…`, a `:digest` setter). */
  pinsDigest?: boolean;
  /** The digest pinned, the first found. */
  digest?: string;
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
  for (const [name, found] of current) {
    const { tag, file, line, problem, disagreement, pinsDigest, digest } =
      found;
    located.set(
      name,
      problem === undefined
        ? { tag, where: `${file}:${line}`, disagreement, pinsDigest, digest }
        : { problem },
    );
  }
  return { current: located, warnings };
}
