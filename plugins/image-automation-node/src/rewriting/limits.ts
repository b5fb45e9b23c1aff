/** Files larger than this are refused: manifests are small, and parsing is bounded. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

/**
 * How many nodes aliases may add when expanded, per file. Legitimate anchors
 * (shared resource blocks, env lists) stay far below this; an alias bomb
 * ("billion laughs") exceeds it after a few levels.
 */
export const MAX_ALIAS_EXPANSION_NODES = 100_000;
