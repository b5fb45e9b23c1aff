import { readFile, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import {
  MAX_MANIFEST_BYTES,
  ManifestRewriteError,
  assertSafeRelativePath,
} from '../rewriting';
import { PlanError } from './PlanError';
import { describeFsError } from './describeFsError';

/**
 * The local checkout a plan reads, standing in for the repository at its
 * base branch. Every path is relative to its root and may not leave it, not
 * even through a symbolic link: the annotations come from the catalog, not
 * from the person running the CLI.
 */
export class RepositoryDir {
  private constructor(
    /** As the user gave it, for messages. */
    readonly label: string,
    private readonly root: string,
  ) {}

  /** @throws PlanError (exit 2) when `path` is not a directory */
  static async open(path: string, label: string): Promise<RepositoryDir> {
    let root: string;
    try {
      root = await realpath(path);
      if (!(await stat(root)).isDirectory()) {
        throw Object.assign(new Error(), { code: 'ENOTDIR' });
      }
    } catch (error) {
      throw new PlanError(
        `--dir ${label}: ${describeDirError(
          error,
        )}; give the root of the repository checkout`,
        2,
      );
    }
    return new RepositoryDir(label, root);
  }

  /**
   * The text of a file, or undefined when the repository has no such file.
   *
   * @param path - relative to the repository root, e.g. `deploy/app.yaml`
   * @throws PlanError when the path is unsafe, leaves the directory, or the
   *   file is too large or unreadable
   */
  async read(path: string): Promise<string | undefined> {
    try {
      assertSafeRelativePath(path);
    } catch (error) {
      if (error instanceof ManifestRewriteError)
        throw new PlanError(error.message);
      throw error;
    }
    let real: string;
    try {
      real = await realpath(join(this.root, path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new PlanError(`cannot read ${path} (${describeFsError(error)})`);
    }
    if (!real.startsWith(this.root + sep)) {
      throw new PlanError(
        `${path} is a symbolic link that leaves ${this.label}; ` +
          'name the file it points to inside the repository instead',
      );
    }
    try {
      const info = await stat(real);
      if (!info.isFile()) {
        throw new PlanError(`${path} in ${this.label} is not a file`);
      }
      // Checked before reading, so an enormous file is never loaded.
      if (info.size > MAX_MANIFEST_BYTES) {
        throw new PlanError(
          `${path} is ${info.size} bytes; files over ${MAX_MANIFEST_BYTES} bytes are refused`,
        );
      }
      return await readFile(real, 'utf8');
    } catch (error) {
      if (error instanceof PlanError) throw error;
      throw new PlanError(`cannot read ${path} (${describeFsError(error)})`);
    }
  }
}

function describeDirError(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'no such directory';
    case 'ENOTDIR':
      return 'not a directory';
    default:
      return describeFsError(error);
  }
}
