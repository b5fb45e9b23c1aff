import { lstat, readFile, readdir, realpath, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { ManifestRewriteError } from './ManifestRewriteError';
import { assertSafeRelativePath } from './assertSafeRelativePath';
import { isManifestFileName } from './manifestFileNames';
import { rewriteManifest } from './rewriteManifest';
import { ImageTarget, ManifestChange, RewriteResult } from './types';

export interface DirectoryRewriteOptions {
  /**
   * Only these files (relative to the root); default: every file below it
   * that Flux would scan (`*.yaml`, `*.yml`, `Kustomization`).
   */
  files?: string[];
  targets?: ImageTarget[];
  /** Compute the results without writing; default false. */
  dryRun?: boolean;
}

export interface FileRewrite {
  /** Path relative to the root, with `/` separators. */
  file: string;
  result: RewriteResult;
  changed: boolean;
}

/** A file the walk found but left alone, and why. */
export interface SkippedFile {
  file: string;
  reason: string;
}

export interface DirectoryRewrite {
  files: FileRewrite[];
  changes: ManifestChange[];
  warnings: string[];
  /** Found by the walk but not YAML (a Helm template, say); never a file named in `files`. */
  skipped: SkippedFile[];
}

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);

/**
 * Rewrites the manifests under `root` in place. Every file is rewritten in
 * memory first; files are written only when all of them succeeded, so a
 * ManifestRewriteError leaves the directory untouched.
 *
 * A file the walk found that does not parse as YAML is skipped and reported
 * in `skipped`, as Flux records it as a problem file and carries on; a file
 * named in `files` that does not parse is an error.
 */
export async function applyToDirectory(
  root: string,
  images: Record<string, string>,
  options: DirectoryRewriteOptions = {},
): Promise<DirectoryRewrite> {
  const rootReal = await realDirectory(root);
  const files = options.files
    ? options.files.map(assertSafeRelativePath)
    : await listManifests(rootReal);

  const walked = !options.files;
  const rewrites: Array<FileRewrite & { absolute: string }> = [];
  const skipped: SkippedFile[] = [];
  for (const file of files) {
    const absolute = await confinedPath(rootReal, file);
    const content = await readFile(absolute, 'utf8');
    let result: RewriteResult;
    try {
      result = rewriteManifest({ path: file, content }, images, {
        targets: options.targets,
      });
    } catch (error) {
      if (walked && error instanceof ManifestRewriteError && error.notYaml) {
        skipped.push({ file, reason: error.message });
        continue;
      }
      throw error;
    }
    rewrites.push({ file, absolute, result, changed: result.content !== content });
  }
  if (!options.dryRun) {
    for (const rewrite of rewrites) {
      if (rewrite.changed) await writeFile(rewrite.absolute, rewrite.result.content, 'utf8');
    }
  }
  return {
    files: rewrites.map(({ file, result, changed }) => ({ file, result, changed })),
    changes: rewrites.flatMap(r => r.result.changes),
    warnings: rewrites.flatMap(r => r.result.warnings),
    skipped,
  };
}

async function realDirectory(root: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(root);
  } catch {
    throw new ManifestRewriteError(`${root}: no such directory`);
  }
  if (!(await stat(real)).isDirectory()) {
    throw new ManifestRewriteError(`${root}: not a directory`);
  }
  return real;
}

/** Resolves `file` under the root and refuses it when a symlink leads outside. */
async function confinedPath(rootReal: string, file: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(join(rootReal, file));
  } catch {
    throw new ManifestRewriteError(`${file}: no such file under ${rootReal}`);
  }
  if (!real.startsWith(rootReal + sep)) {
    throw new ManifestRewriteError(
      `${file}: resolves (through a symlink) to ${real}, outside ${rootReal}; refused`,
    );
  }
  if (!(await stat(real)).isFile()) {
    throw new ManifestRewriteError(`${file}: not a regular file`);
  }
  return real;
}

/** Every file below the root that Flux would scan, sorted; symlinked directories are not entered. */
async function listManifests(rootReal: string): Promise<string[]> {
  const found: string[] = [];
  const pending = [rootReal];
  while (pending.length) {
    const dir = pending.pop()!;
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const absolute = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) pending.push(absolute);
      } else if (isManifestFileName(entry.name)) {
        const stats = await lstat(absolute);
        if (stats.isFile() || stats.isSymbolicLink()) {
          found.push(relative(rootReal, absolute).split(sep).join('/'));
        }
      }
    }
  }
  return found.sort();
}
