/**
 * A manifest cannot be rewritten safely: the message names the file, what is
 * wrong and what to do about it. Nothing is written when this is thrown.
 */
export class ManifestRewriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestRewriteError';
  }
}
