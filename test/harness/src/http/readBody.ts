import { IncomingMessage } from 'node:http';

/** Bodies larger than this are refused, as GitHub and GitLab refuse oversized payloads. */
const MAX_BODY_BYTES = 100 * 1024 * 1024;

/**
 * A request's whole body. Past the limit the request is dropped and the promise rejects with the
 * host's own "too large" error, before the rest reaches memory.
 */
export function readBody(
  req: IncomingMessage,
  tooLarge: () => Error,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(tooLarge());
        req.destroy();
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
