/** Blob contents kept in memory by blob id; content-addressed, so never stale. */
export class BlobCache {
  private readonly blobs = new Map<string, string>();
  private bytes = 0;

  /** A byte budget, not a count: a fleet of small manifests must stay cached across cycles. */
  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  get(sha: string): string | undefined {
    return this.blobs.get(sha);
  }

  set(sha: string, content: string): void {
    if (this.blobs.has(sha)) return;
    this.blobs.set(sha, content);
    this.bytes += content.length;
    while (this.bytes > this.maxBytes && this.blobs.size > 1) {
      const [oldest, text] = this.blobs.entries().next().value!;
      this.blobs.delete(oldest);
      this.bytes -= text.length;
    }
  }
}
