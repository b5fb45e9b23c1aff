import type {
  AutomationSpec,
  TagPolicy,
} from '@image-automation/plugin-image-automation-common';
import {
  CurrentTag,
  ImageTarget,
  ParsedManifest,
  findCurrentTags,
  findImages,
} from '@image-automation/plugin-image-automation-node';
import type { GitFile, GitSnapshot } from '../scm/port';

export type { CurrentTag } from '@image-automation/plugin-image-automation-node';

/** Parses kept per blob sha and targets: unchanged files are not parsed again. */
const PARSE_CACHE_LIMIT = 10_000;

/**
 * Reads the tag each image has in Git with the rewriting engine in
 * report-only mode, so the backend reads exactly what it would rewrite.
 */
export class CurrentTagReader {
  private readonly parses = new Map<string, ParsedManifest>();

  read(
    spec: AutomationSpec,
    snapshot: GitSnapshot,
    policies: Map<string, TagPolicy>,
  ): Map<string, CurrentTag> {
    const contents = new Map(
      [...snapshot.files].map(([path, file]) => [path, file.content]),
    );
    return findCurrentTags(spec.images, contents, policies, {
      parse: ({ path }, { targets, policies: names }) =>
        this.parse(snapshot.files.get(path)!, targets, names),
      missing: {
        paths: snapshot.missing,
        where: `${snapshot.repository.displayName}@${snapshot.branch}`,
      },
    }).current;
  }

  private parse(
    file: GitFile,
    targets: ImageTarget[],
    policies: string[],
  ): ParsedManifest {
    const key = `${file.blobSha}\u0000${file.path}\u0000${JSON.stringify(
      targets,
    )}`;
    let result = this.parses.get(key);
    if (!result) {
      try {
        result = findImages(
          { path: file.path, content: file.content },
          { targets, policies },
        );
      } catch (error) {
        result = error as Error;
      }
      if (this.parses.size >= PARSE_CACHE_LIMIT)
        this.parses.delete(this.parses.keys().next().value!);
      this.parses.set(key, result);
    }
    return result;
  }
}
