/**
 * A manifest cannot be rewritten safely: the message names the file, what is
 * wrong and what to do about it. Nothing is written when this is thrown.
 */
export class ManifestRewriteError extends Error {
  /**
   * The file is not YAML at all (a Helm template with `{{ }}`, say), as
   * opposed to YAML refused for safety (an alias bomb, an oversized file).
   * A directory walk skips such files, as Flux does; a file named
   * explicitly stays an error.
   */
  readonly notYaml: boolean;

  constructor(message: string, options: { notYaml?: boolean } = {}) {
    super(message);
    this.name = 'ManifestRewriteError';
    this.notYaml = options.notYaml ?? false;
  }
}
