import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

/** A file of a tarball as a Git reader needs it. */
export interface ArchivedFile {
  path: string;
  content: Buffer;
  /** The Git blob id, computed as git does: sha1 of `blob <size>\0<content>`. */
  sha: string;
  mode: string;
}

const field = (block: Buffer, start: number, length: number) =>
  block
    .subarray(start, start + length)
    .toString('utf8')
    .replace(/\0.*$/s, '');

/** `key=value` records of a pax header. */
function paxRecords(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space === -1) break;
    const length = Number(data.subarray(offset, space).toString());
    if (!length) break;
    const record = data
      .subarray(space + 1, offset + length - 1)
      .toString('utf8');
    const equals = record.indexOf('=');
    records[record.slice(0, equals)] = record.slice(equals + 1);
    offset += length;
  }
  return records;
}

/**
 * The files of a `git archive` tarball as GitHub serves it (top directory
 * `owner-repo-sha7/` stripped) and the commit it was made from, which git
 * writes into the global pax header.
 */
export function readTarball(gzipped: Buffer): {
  commit?: string;
  files: ArchivedFile[];
} {
  const tar = gunzipSync(gzipped);
  const files: ArchivedFile[] = [];
  let commit: string | undefined;
  let nextPath: string | undefined;
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every(b => b === 0)) break;
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 0x30);
    const data = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'g') {
      commit = paxRecords(data).comment ?? commit;
      continue;
    }
    if (type === 'x') {
      nextPath = paxRecords(data).path;
      continue;
    }
    const prefix = field(header, 345, 155);
    const name =
      nextPath ??
      (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    nextPath = undefined;
    if (type !== '0' && type !== '2') continue;
    const path = name.replace(/^[^/]+\//, '');
    const content =
      type === '2' ? Buffer.from(field(header, 157, 100)) : Buffer.from(data);
    const sha = createHash('sha1')
      .update(`blob ${content.length}\0`)
      .update(content)
      .digest('hex');
    let mode = '100644';
    if (type === '2') mode = '120000';
    else if (parseInt(field(header, 100, 8).trim(), 8) & 0o111) mode = '100755';
    files.push({ path, content, sha, mode });
  }
  return { commit, files };
}
