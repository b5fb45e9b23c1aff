const decode = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
};

/**
 * Matches a raw (still percent-encoded) path against a route pattern. Octokit encodes `/` inside
 * parameters as `%2F` while other clients send it literally, so both must land in the same place.
 */
export function matchPath(
  pattern: string,
  rawPath: string,
): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean);
  const have = rawPath.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const part = want[i];
    if (part.startsWith('*')) {
      const rest = have.slice(i);
      const value = decode(rest.join('/'));
      if (rest.length === 0 || value === undefined) return undefined;
      params[part.slice(1)] = value;
      return params;
    }
    if (i >= have.length) return undefined;
    if (part.startsWith(':')) {
      const value = decode(have[i]);
      if (value === undefined || value === '') return undefined;
      params[part.slice(1)] = value;
    } else if (part !== have[i]) {
      return undefined;
    }
  }
  return want.length === have.length ? params : undefined;
}
