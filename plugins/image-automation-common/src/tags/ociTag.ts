/**
 * The OCI distribution tag grammar. Every tag read from a registry passes
 * through this before it can be compared, chosen or written into a manifest:
 * a tag carrying a newline, quote or space would otherwise be able to inject
 * YAML into the repository.
 * @public
 */
export const OCI_TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** True when `tag` is a syntactically valid OCI tag. @public */
export function isValidTag(tag: string): boolean {
  return OCI_TAG_PATTERN.test(tag);
}

/**
 * Why `tag` is not a valid OCI tag, in plain words, or undefined when it is.
 * Used for the "why not this tag?" reasons and in error messages.
 * @public
 */
export function describeInvalidTag(tag: string): string | undefined {
  if (isValidTag(tag)) return undefined;
  if (tag.length === 0) return 'the tag is empty';
  if (tag.length > 128)
    return `the tag is ${tag.length} characters long (at most 128 allowed)`;
  if (!/^[A-Za-z0-9_]/.test(tag)) {
    return `the tag starts with ${JSON.stringify(
      tag[0],
    )} (it must start with a letter, digit or "_")`;
  }
  const bad = [...tag].find(c => !/[A-Za-z0-9._-]/.test(c)) ?? '';
  return `the tag contains ${JSON.stringify(
    bad,
  )} (only letters, digits, ".", "_" and "-" are allowed)`;
}
