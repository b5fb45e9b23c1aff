/**
 * True when `text` holds a C0 control character or DEL: a newline or NUL in
 * a path or branch name is never intended and could inject into the YAML
 * or Git commands that carry it.
 */
export function containsControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
