import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

/** A file of a tarball as a Git reader needs it. */
export interface ArchivedFile {
  path: string;
  content: Buffer;
  /** The Git blob id, computed as git does: sha1 of `blob <size>\0<content>`. */
  sha: string;
  mode: '100644' | '100755' | '120000';
}

/** The archive holds more than a reader takes in: read the listing and the blobs instead. */
export class TarballTooLargeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TarballTooLargeError';
  }
}

const field = (block: Buffer, start: number, length: number) => {
  const raw = block.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? raw.length : end).toString('utf8');
};

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
    if (equals > 0) records[record.slice(0, equals)] = record.slice(equals + 1);
    offset += length;
  }
  return records;
}

/**
 * The files of a `git archive` tarball as GitHub serves it (the top
 * directory `owner-repo-sha7/` stripped) and the commit it was made from,
 * which git writes into the global pax header. Refuses to unpack more than
 * `maxBytes`.
 */
export function readTarball(
  gzipped: Buffer,
  maxBytes: number,
): { commit?: string; files: ArchivedFile[] } {
  let tar: Buffer;
  try {
    tar = gunzipSync(gzipped, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new TarballTooLargeError(
        `the archive unpacks to more than ${maxBytes} bytes`,
      );
    }
    throw error;
  }
  const files: ArchivedFile[] = [];
  let commit: string | undefined;
  let longPath: string | undefined;
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
      longPath = paxRecords(data).path;
      continue;
    }
    const prefix = field(header, 345, 155);
    const shortName = field(header, 0, 100);
    const name = longPath ?? (prefix ? `${prefix}/${shortName}` : shortName);
    longPath = undefined;
    // Regular files and links; directories and submodules are not blobs of the tree.
    if (type !== '0' && type !== '2') continue;
    const path = name.replace(/^[^/]+\//, '');
    const content =
      type === '2' ? Buffer.from(field(header, 157, 100)) : Buffer.from(data);
    const sha = createHash('sha1')
      .update(`blob ${content.length}\0`)
      .update(content)
      .digest('hex');
    let mode: ArchivedFile['mode'] = '100644';
    if (type === '2') mode = '120000';
    else if (parseInt(field(header, 100, 8).trim(), 8) & 0o111) mode = '100755';
    files.push({ path, content, sha, mode });
  }
  return { commit, files };
}
