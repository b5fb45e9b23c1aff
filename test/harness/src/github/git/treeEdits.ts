import { GithubApiError, unprocessable } from '../http/GithubApiError';
import {
  BareRepository,
  GitTreeEntry,
  TreeEntryType,
} from '../../git/BareRepository';

/** One entry of a `POST /git/trees` body after `content` has been stored as a blob. */
export interface TreeEdit {
  path: string;
  mode: string;
  type: TreeEntryType;
  /** null removes the path from the base tree. */
  sha: string | null;
}

const TYPE_BY_MODE: Record<string, TreeEntryType> = {
  '100644': 'blob',
  '100755': 'blob',
  '120000': 'blob',
  '040000': 'tree',
  '160000': 'commit',
};

/** What GitHub accepts as a mode in tree entries (it also takes trees as `040000` only). */
export const isValidMode = (mode: unknown): mode is string =>
  typeof mode === 'string' && mode in TYPE_BY_MODE;

export const typeForMode = (mode: string): TreeEntryType => TYPE_BY_MODE[mode];

/** Splits a tree path, refusing what GitHub refuses: empty, `.`, `..` and `.git` components. */
export function splitTreePath(path: unknown): string[] {
  const parts = typeof path === 'string' ? path.split('/') : [];
  const malformed =
    parts.length === 0 ||
    parts.some(
      part =>
        part === '' ||
        part === '.' ||
        part === '..' ||
        part.toLowerCase() === '.git' ||
        part.includes('\0'),
    );
  if (malformed) {
    throw unprocessable(
      `tree.path contains a malformed path component: ${JSON.stringify(path)}`,
    );
  }
  return parts;
}

type EditNode =
  | { kind: 'set'; entry: Omit<GitTreeEntry, 'path' | 'size'> }
  | { kind: 'delete' }
  | { kind: 'dir'; children: Map<string, EditNode> };

const conflictingPaths = (path: string) =>
  unprocessable(
    `tree.path ${JSON.stringify(
      path,
    )} is both a file and a directory in this request`,
  );

function buildEditTree(edits: readonly TreeEdit[]): Map<string, EditNode> {
  const root = new Map<string, EditNode>();
  for (const edit of edits) {
    const parts = splitTreePath(edit.path);
    let level = root;
    for (const dir of parts.slice(0, -1)) {
      const existing = level.get(dir);
      if (existing && existing.kind !== 'dir') {
        throw conflictingPaths(edit.path);
      }
      const node: EditNode = existing ?? { kind: 'dir', children: new Map() };
      level.set(dir, node);
      level = (node as { children: Map<string, EditNode> }).children;
    }
    const leaf = parts[parts.length - 1];
    if (level.get(leaf)?.kind === 'dir') {
      throw conflictingPaths(edit.path);
    }
    level.set(
      leaf,
      edit.sha === null
        ? { kind: 'delete' }
        : {
            kind: 'set',
            entry: { mode: edit.mode, type: edit.type, sha: edit.sha },
          },
    );
  }
  return root;
}

async function writeEdited(
  repo: BareRepository,
  baseTree: string | undefined,
  edits: Map<string, EditNode>,
  prefix: string,
): Promise<string | undefined> {
  const entries = new Map<string, Omit<GitTreeEntry, 'size'>>();
  for (const entry of baseTree ? await repo.readTree(baseTree) : []) {
    entries.set(entry.path, entry);
  }
  for (const [name, edit] of edits) {
    const path = `${prefix}${name}`;
    if (edit.kind === 'delete') {
      if (!entries.delete(name)) {
        // GitHub refuses to delete what the base tree does not hold.
        throw new GithubApiError(422, 'GitRPC::BadObjectState', {});
      }
    } else if (edit.kind === 'set') {
      entries.set(name, { ...edit.entry, path: name });
    } else {
      const existing = entries.get(name);
      const subtree = await writeEdited(
        repo,
        existing?.type === 'tree' ? existing.sha : undefined,
        edit.children,
        `${path}/`,
      );
      if (subtree === undefined) {
        entries.delete(name);
      } else {
        entries.set(name, {
          mode: '040000',
          type: 'tree',
          sha: subtree,
          path: name,
        });
      }
    }
  }
  // Git has no empty directories: a subtree whose last file was deleted disappears.
  if (entries.size === 0) {
    return undefined;
  }
  return repo.writeTree([...entries.values()]);
}

/**
 * Applies path edits (nested paths, deletions) on top of a base tree, writing only the subtrees
 * on the edited paths, and returns the new root tree id.
 */
export async function applyTreeEdits(
  repo: BareRepository,
  baseTree: string | undefined,
  edits: readonly TreeEdit[],
): Promise<string> {
  const root = await writeEdited(repo, baseTree, buildEditTree(edits), '');
  // Stored explicitly so that cat-file and ls-tree find it like any other tree.
  return root ?? repo.writeTree([]);
}
