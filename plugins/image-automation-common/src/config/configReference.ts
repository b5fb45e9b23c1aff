import { checkRelativePath, RelativePathCheck } from './relativePath';

/**
 * Whether the value of `image-automation/config` names a file in the
 * repository rather than holding the YAML inline: a single line that ends in
 * `.yaml`/`.yml` or starts with `./` or `/`. Inline YAML that small is
 * never a valid config (it needs an `images:` list), so nothing is lost.
 */
export function isConfigFileReference(value: string): boolean {
  const text = value.trim();
  if (text.includes('\n')) return false;
  return (
    /\.ya?ml$/i.test(text) || text.startsWith('./') || text.startsWith('/')
  );
}

/**
 * The config file path relative to the repository root: both `./x.yaml` and
 * `/x.yaml` mean the root (a leading `/` would otherwise resolve against the
 * host when joined to a URL).
 */
export function normaliseConfigFileReference(value: string): RelativePathCheck {
  const text = value.trim().replace(/^\/+/, '');
  return checkRelativePath(text);
}
