/**
 * A `filterTags.extract` template, read once with Go's regexp.Expand rules:
 * `$name` and `${name}` name a group (the name is the longest run of letters,
 * digits and `_`, so `$1x` means group "1x", not group 1 then "x"), an
 * all-digit name is a group number (no leading zeros), `$$` is a literal `$`,
 * and a `$` that starts no reference stays as it is.
 */
export type TemplatePart = { literal: string } | { reference: string };

const NAME_CHAR = /[\p{L}\p{Nd}_]/u;

export function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf('$', i);
    if (dollar === -1) {
      literal += template.slice(i);
      break;
    }
    literal += template.slice(i, dollar);
    i = dollar + 1;
    if (template[i] === '$') {
      literal += '$';
      i++;
      continue;
    }
    const braced = template[i] === '{';
    let end = braced ? i + 1 : i;
    const nameStart = end;
    while (end < template.length) {
      const char = String.fromCodePoint(template.codePointAt(end)!);
      if (!NAME_CHAR.test(char)) break;
      end += char.length;
    }
    const name = template.slice(nameStart, end);
    if (name.length === 0 || (braced && template[end] !== '}')) {
      literal += '$';
      continue;
    }
    if (literal) parts.push({ literal });
    literal = '';
    parts.push({ reference: name });
    i = braced ? end + 1 : end;
  }
  if (literal) parts.push({ literal });
  return parts;
}

/**
 * The group number an all-digit reference names (Go refuses leading zeros
 * and absurdly large numbers), or undefined for a named reference.
 */
export function referenceNumber(reference: string): number | undefined {
  if (!/^[0-9]+$/.test(reference)) return undefined;
  if (reference.length > 1 && reference.startsWith('0')) return -1;
  return reference.length > 8 ? -1 : Number(reference);
}
