import { createHash, Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** A file of a tarball as a Git reader needs it. */
export interface ArchivedFile {
  path: string;
  /** The Git blob id, computed as git does: sha1 of `blob <size>\0<content>`. */
  sha: string;
  size: number;
  mode: '100644' | '100755' | '120000';
  /** The content as UTF-8 text, for the files the caller asked to keep; the others are only hashed. */
  text?: string;
}

/** The archive holds more than a reader takes in: read the listing and the blobs instead. */
export class TarballTooLargeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TarballTooLargeError';
  }
}

export interface TarballReadOptions {
  /** Bytes the archive may unpack to before reading stops (time, not memory: only kept files are held). */
  maxBytes: number;
  /** Whether a file's bytes are kept; asked once its path, size and mode are known. */
  keep(path: string, size: number, mode: ArchivedFile['mode']): boolean;
}

const BLOCK = 512;

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

/** Where the reader is within the archive's 512-byte blocks. */
type Step =
  | { kind: 'header' }
  | { kind: 'pax'; global: boolean; size: number; chunks: Buffer[] }
  | {
      kind: 'file';
      file: ArchivedFile;
      remaining: number;
      hash: Hash;
      keep: boolean;
      /** Copies of the parts of a kept file that spans chunks of the stream. */
      parts: Buffer[];
    }
  | { kind: 'skip'; remaining: number }
  | { kind: 'end' };

const padding = (size: number) => (BLOCK - (size % BLOCK)) % BLOCK;

/**
 * The files of a `git archive` tarball as GitHub serves it (the top
 * directory `owner-repo-sha7/` stripped) and the commit it was made from,
 * which git writes into the global pax header. The archive is unpacked as
 * a stream: every file is hashed on the way, and only the files `keep`
 * asks for are held, so a large file in a small repository costs time,
 * not memory. Stops with TarballTooLargeError past `maxBytes` unpacked.
 *
 * Headers and files that lie within one chunk of the stream, nearly all,
 * are read in place and kept files decoded from it straight to text: a
 * buffer copied per file stayed alive until the archive was done, long
 * enough for V8 to move it to the old generation, where it waited for a
 * full collection (about 20 MB of buffers held in a first cycle over 50
 * repositories).
 */
export async function readTarball(
  gzipped: Buffer,
  options: TarballReadOptions,
): Promise<{ commit?: string; files: ArchivedFile[] }> {
  const files: ArchivedFile[] = [];
  let commit: string | undefined;
  let longPath: string | undefined;
  // Cast: the closures below move it, which narrowing cannot see.
  let step = { kind: 'header' } as Step;
  let header: Buffer = Buffer.alloc(0);
  let unpacked = 0;

  const onHeader = (block: Buffer): Step => {
    if (block.every(b => b === 0)) return { kind: 'end' };
    const size = parseInt(field(block, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(block[156] || 0x30);
    const skipped = size + padding(size);
    if (type === 'g' || type === 'x') {
      return { kind: 'pax', global: type === 'g', size, chunks: [] };
    }
    const prefix = field(block, 345, 155);
    const shortName = field(block, 0, 100);
    const name = longPath ?? (prefix ? `${prefix}/${shortName}` : shortName);
    longPath = undefined;
    // Regular files and links; directories and submodules are not blobs of the tree.
    if (type !== '0' && type !== '2')
      return { kind: 'skip', remaining: skipped };
    const path = name.replace(/^[^/]+\//, '');
    if (type === '2') {
      const content = Buffer.from(field(block, 157, 100));
      const link: ArchivedFile = {
        path,
        size: content.length,
        mode: '120000',
        sha: blobSha(content),
      };
      if (options.keep(path, content.length, '120000'))
        link.text = content.toString('utf8');
      files.push(link);
      return { kind: 'skip', remaining: skipped };
    }
    const mode =
      parseInt(field(block, 100, 8).trim(), 8) & 0o111 ? '100755' : '100644';
    const file: ArchivedFile = { path, size, mode, sha: '' };
    files.push(file);
    return {
      kind: 'file',
      file,
      remaining: size,
      hash: blobHash(size),
      keep: options.keep(path, size, mode),
      parts: [],
    };
  };

  /** Feeds `data` to the current step; returns what it did not take. */
  const feed = (data: Buffer): Buffer => {
    switch (step.kind) {
      case 'end':
        return Buffer.alloc(0);
      case 'header': {
        if (header.length === 0 && data.length >= BLOCK) {
          step = onHeader(data.subarray(0, BLOCK));
          return data.subarray(BLOCK);
        }
        const needed = BLOCK - header.length;
        header = Buffer.concat([header, data.subarray(0, needed)]);
        if (header.length === BLOCK) {
          step = onHeader(header);
          header = Buffer.alloc(0);
        }
        return data.subarray(needed);
      }
      case 'skip': {
        const taken = Math.min(step.remaining, data.length);
        step.remaining -= taken;
        if (step.remaining === 0) step = { kind: 'header' };
        return data.subarray(taken);
      }
      case 'pax': {
        const held = step.chunks.reduce((n, c) => n + c.length, 0);
        const taken = Math.min(step.size - held, data.length);
        step.chunks.push(Buffer.from(data.subarray(0, taken)));
        if (held + taken === step.size) {
          const records = paxRecords(Buffer.concat(step.chunks));
          if (step.global) commit = records.comment ?? commit;
          else longPath = records.path;
          step = { kind: 'skip', remaining: padding(step.size) };
          if (step.remaining === 0) step = { kind: 'header' };
        }
        return data.subarray(taken);
      }
      case 'file': {
        const taken = Math.min(step.remaining, data.length);
        const part = data.subarray(0, taken);
        step.hash.update(part);
        const whole = taken === step.file.size;
        if (step.keep && whole) step.file.text = part.toString('utf8');
        else if (step.keep) step.parts.push(Buffer.from(part));
        step.remaining -= taken;
        if (step.remaining === 0) {
          step.file.sha = step.hash.digest('hex');
          if (step.keep && !whole)
            step.file.text = Buffer.concat(step.parts).toString('utf8');
          const rest = padding(step.file.size);
          step = rest ? { kind: 'skip', remaining: rest } : { kind: 'header' };
        }
        return data.subarray(taken);
      }
      default:
        return Buffer.alloc(0);
    }
  };

  // Larger output chunks than zlib's 16 KB: more files lie within one.
  const gunzip = Readable.from([gzipped]).pipe(
    createGunzip({ chunkSize: 64 * 1024 }),
  );
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      unpacked += chunk.length;
      if (unpacked > options.maxBytes) {
        throw new TarballTooLargeError(
          `the archive unpacks to more than ${options.maxBytes} bytes`,
        );
      }
      let rest = chunk;
      while (rest.length > 0 && step.kind !== 'end') rest = feed(rest);
      if (step.kind === 'end') break;
    }
  } finally {
    gunzip.destroy();
  }
  if (step.kind === 'file') {
    throw new Error(`the archive ends inside ${step.file.path}`);
  }
  // A listing from a cut archive would look complete: only a whole one is used.
  if (step.kind !== 'end' && !(step.kind === 'header' && header.length === 0)) {
    throw new Error('the archive ends inside a header');
  }
  return { commit, files };
}

/** Git's blob id is the sha1 of this header and the content: fed as the content arrives. */
function blobHash(size: number): Hash {
  return createHash('sha1').update(`blob ${size}\0`);
}

function blobSha(content: Buffer): string {
  return blobHash(content.length).update(content).digest('hex');
}
