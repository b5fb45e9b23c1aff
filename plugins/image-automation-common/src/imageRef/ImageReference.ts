/**
 * A container image reference, normalised the way Docker does it: Docker Hub
 * images carry `docker.io` as their registry and single-name official images
 * the `library/` prefix.
 * @public
 */
export interface ImageReference {
  /** `docker.io` for Docker Hub (normalised), `ghcr.io`, `localhost:5000`, … */
  registry: string;
  /** The path inside the registry: `library/nginx`, `acme/payments-api`. */
  repository: string;
  tag?: string;
  /** `algorithm:hex`, e.g. `sha256:…`. */
  digest?: string;
}

/**
 * Raised for a string that is not a valid image reference. The message says
 * what is wrong and shows a valid example.
 * @public
 */
export class InvalidImageReferenceError extends Error {
  constructor(readonly reference: string, readonly problem: string) {
    super(
      `Invalid image reference ${JSON.stringify(reference)}: ${problem}. ` +
        'Expected [registry[:port]/]path[:tag][@digest], e.g. "ghcr.io/acme/payments-api:1.4.2" or "nginx:1.25".',
    );
    this.name = 'InvalidImageReferenceError';
  }
}
