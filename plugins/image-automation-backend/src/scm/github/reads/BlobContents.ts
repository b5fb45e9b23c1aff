/** What blob contents may hold in memory by default. */
export const DEFAULT_BLOB_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * Blob contents by object id, least recently used out first, within a byte
 * budget (a fleet of many small manifests must stay cached, or every cycle
 * reads them again against the rate limit). Content-addressed: never stale.
 */
export class BlobContents {
  private readonly blobs = new Map<string, string>();
  private bytes = 0;

  constructor(private readonly budget = DEFAULT_BLOB_CACHE_BYTES) {}

  get size(): number {
    return this.blobs.size;
  }

  get(sha: string): string | undefined {
    const content = this.blobs.get(sha);
    if (content !== undefined) {
      // Moved to the back: recently read blobs are the last to go.
      this.blobs.delete(sha);
      this.blobs.set(sha, content);
    }
    return content;
  }

  set(sha: string, content: string): void {
    const bytes = Buffer.byteLength(content);
    if (bytes > this.budget || this.blobs.has(sha)) return;
    this.blobs.set(sha, content);
    this.bytes += bytes;
    while (this.bytes > this.budget) {
      const [oldest, text] = this.blobs.entries().next().value!;
      this.blobs.delete(oldest);
      this.bytes -= Buffer.byteLength(text);
    }
  }
}
