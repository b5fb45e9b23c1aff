import { FILE_HEADERS_ONLY, createTwoFilesPatch } from 'diff';
import { ImageAutomationSpec } from '@image-automation/plugin-image-automation-common';
import { rewriteManifest } from '../rewriting';

/** Lines of context around each change, as `git diff` shows. */
const CONTEXT_LINES = 3;

/**
 * Rewrites the files in memory to the target tags and renders what changed
 * as a git-style unified diff (`a/` and `b/` prefixes), which `git apply`
 * accepts. As the backend writes: each place keeps its repository's
 * spelling, and a digest goes only where the files pin one. Pure: nothing
 * is written.
 *
 * @param targets - image name → the tag its places should hold, and the
 *   digest to pin beside it where a place pins one
 * @param files - path → current content
 * @throws ManifestRewriteError when a file cannot be rewritten safely
 */
export function renderPlanDiff(
  images: readonly ImageAutomationSpec[],
  targets: ReadonlyMap<string, { tag: string; digest?: string }>,
  files: ReadonlyMap<string, string>,
): { diff: string; changedFiles: string[]; warnings: string[] } {
  const newImages: Record<string, string> = {};
  for (const image of images) {
    const target = targets.get(image.name);
    if (target === undefined) continue;
    newImages[image.name] = `${image.image}:${target.tag}${
      target.digest ? `@${target.digest}` : ''
    }`;
  }

  const patches: string[] = [];
  const changedFiles: string[] = [];
  const warnings: string[] = [];
  for (const path of [...files.keys()].sort()) {
    const placed = images
      .filter(i => newImages[i.name] !== undefined && i.files.includes(path))
      .map(i => ({ policy: i.name, container: i.container }));
    if (placed.length === 0) continue;
    const before = files.get(path)!;
    const result = rewriteManifest({ path, content: before }, newImages, {
      targets: placed,
      keepRepository: true,
      digestOnlyWherePinned: true,
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
