import { FILE_HEADERS_ONLY, createTwoFilesPatch } from 'diff';
import { ImageAutomationSpec } from '@image-automation/plugin-image-automation-common';
import { rewriteManifest } from '../rewriting';

/** Lines of context around each change, as `git diff` shows. */
const CONTEXT_LINES = 3;

/**
 * Rewrites the files in memory to the target tags and renders what changed
 * as a git-style unified diff (`a/` and `b/` prefixes), which `git apply`
 * accepts. Pure: nothing is written.
 *
 * @param targetTags - image name → the tag its places should hold
 * @param files - path → current content
 * @throws ManifestRewriteError when a file cannot be rewritten safely
 */
export function renderPlanDiff(
  images: readonly ImageAutomationSpec[],
  targetTags: ReadonlyMap<string, string>,
  files: ReadonlyMap<string, string>,
): { diff: string; changedFiles: string[]; warnings: string[] } {
  const newImages: Record<string, string> = {};
  for (const image of images) {
    const tag = targetTags.get(image.name);
    if (tag !== undefined) newImages[image.name] = `${image.image}:${tag}`;
  }

  const patches: string[] = [];
  const changedFiles: string[] = [];
  const warnings: string[] = [];
  for (const path of [...files.keys()].sort()) {
    const targets = images
      .filter(i => newImages[i.name] !== undefined && i.files.includes(path))
      .map(i => ({ policy: i.name, container: i.container }));
    if (targets.length === 0) continue;
    const before = files.get(path)!;
    const result = rewriteManifest({ path, content: before }, newImages, {
      targets,
    });
    warnings.push(...result.warnings);
    if (result.content === before) continue;
    changedFiles.push(path);
    patches.push(
      `diff --git a/${path} b/${path}\n${createTwoFilesPatch(
        `a/${path}`,
        `b/${path}`,
        before,
        result.content,
        undefined,
        undefined,
        { context: CONTEXT_LINES, headerOptions: FILE_HEADERS_ONLY },
      )}`,
    );
  }
  return { diff: patches.join(''), changedFiles, warnings };
}
