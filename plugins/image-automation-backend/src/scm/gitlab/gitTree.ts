import { createHash } from 'node:crypto';

/** One entry directly inside a tree, as GitLab's tree API lists it. */
export interface GitlabTreeEntry {
  id: string;
  name: string;
  type: 'blob' | 'tree' | 'commit';
  path: string;
  /** `100644`, `100755`, `120000`, `040000` (GitLab pads trees to six digits), `160000`. */
  mode: string;
}

/**
 * The object id of the tree holding exactly `entries`, computed as git does. GitLab's API names
 * no commit's root tree, but lists its entries with their ids; the write-back compares trees
 * (is the branch already what we would write?), so the id must be git's own: entries sorted by
 * name with trees as if followed by `/`, modes without leading zeros, ids as raw bytes, hashed with
 * the repository's algorithm (SHA-1, or SHA-256 when ids have 64 digits).
 */
export function treeObjectId(entries: readonly GitlabTreeEntry[]): string {
  const sortKey = (e: GitlabTreeEntry) =>
    Buffer.from(e.type === 'tree' ? `${e.name}/` : e.name, 'utf8');
  const sorted = [...entries].sort((a, b) =>
    Buffer.compare(sortKey(a), sortKey(b)),
  );
  const body = Buffer.concat(
    sorted.flatMap(e => [
      Buffer.from(`${e.mode.replace(/^0+/, '')} ${e.name}\0`, 'utf8'),
      Buffer.from(e.id, 'hex'),
    ]),
  );
  const algorithm = entries[0]?.id.length === 64 ? 'sha256' : 'sha1';
  return createHash(algorithm)
    .update(Buffer.from(`tree ${body.length}\0`, 'utf8'))
    .update(body)
    .digest('hex');
}
