/** Blob contents kept in memory, by sha; content-addressed, so never stale. */
const BLOB_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * A byte budget, not a count: a fleet of many small manifests must stay
 * cached, or every cycle fetches them again against the rate limit.
 */
export class BlobCache {
  private readonly blobs = new Map<string, string>();
  private bytes = 0;

  constructor(private readonly budget = BLOB_CACHE_BYTES) {}

  get(sha: string): string | undefined {
    return this.blobs.get(sha);
  }

  set(sha: string, content: string): void {
    if (this.blobs.has(sha)) return;
    this.blobs.set(sha, content);
    this.bytes += content.length;
    while (this.bytes > this.budget && this.blobs.size > 1) {
      const [oldest, text] = this.blobs.entries().next().value!;
      this.blobs.delete(oldest);
      this.bytes -= text.length;
    }
  }
}
