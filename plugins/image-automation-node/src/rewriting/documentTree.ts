import {
  Alias,
  Node,
  Scalar,
  YAMLMap,
  isAlias,
  isMap,
  isScalar,
  isSeq,
} from 'yaml';
import { ManifestRewriteError } from './ManifestRewriteError';
import { MAX_ALIAS_EXPANSION_NODES } from './limits';
import type { ManifestDocument } from './ManifestSource';

/** Keys and indices from the document root to a node. */
export type NodePath = ReadonlyArray<string | number>;

/** `kind` and `metadata.name` of a Kubernetes-shaped document, when present. */
export function documentIdentity(doc: ManifestDocument): {
  kind?: string;
  name?: string;
} {
  const root = doc.contents;
  if (!isMap(root)) return {};
  const kind = scalarString(root.get('kind', true));
  const metadata = root.get('metadata', true);
  const name = isMap(metadata)
    ? scalarString(metadata.get('name', true))
    : undefined;
  return { kind, name };
}

export function scalarString(node: unknown): string | undefined {
  return isScalar(node) && node.value !== null && node.value !== undefined
    ? String(node.value)
    : undefined;
}

/**
 * Calls `visit` for every scalar that is a value (map values, list items, a
 * root scalar), never for keys: Flux's setters only set values. Aliases are
 * not followed; their anchors are visited where they are written. `path`
 * is only valid during the call.
 */
export function forEachValueScalar(
  doc: ManifestDocument,
  visit: (scalar: Scalar, path: NodePath, parent: Node | undefined) => void,
  onAlias?: (alias: Alias, path: NodePath) => void,
) {
  // One mutable path, pushed and popped: visitors read it, never keep it.
  const path: Array<string | number> = [];
  const walk = (node: unknown, parent: Node | undefined) => {
    if (isScalar(node)) visit(node, path, parent);
    else if (isMap(node)) {
      for (const pair of node.items) {
        path.push(isScalar(pair.key) ? String(pair.key.value) : '?');
        walk(pair.value, node);
        path.pop();
      }
    } else if (isSeq(node)) {
      for (let index = 0; index < node.items.length; index++) {
        path.push(index);
        walk(node.items[index], node);
        path.pop();
      }
    } else if (isAlias(node)) onAlias?.(node, path);
  };
  walk(doc.contents, undefined);
}

/**
 * Refuses documents whose aliases would expand to more than the budget, and
 * recursive aliases. Sizes are computed once per anchor in document order, so
 * this is linear in the file even for an alias bomb.
 */
export function assertAliasBudget(path: string, doc: ManifestDocument) {
  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  const inProgress = new Set<Node>();
  let expanded = 0;
  const size = (node: unknown): number => {
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target) return 1;
      if (inProgress.has(target)) {
        throw new ManifestRewriteError(
          `${path}: the alias *${node.source} refers to its own anchor; recursive YAML is refused`,
        );
      }
      expanded += sizes.get(target) ?? 1;
      if (expanded > MAX_ALIAS_EXPANSION_NODES) {
        throw new ManifestRewriteError(
          `${path}: aliases expand to more than ${MAX_ALIAS_EXPANSION_NODES} nodes (alias expansion budget exceeded); ` +
            'this looks like an alias bomb, the file is refused',
        );
      }
      return sizes.get(target) ?? 1;
    }
    if (!node || typeof node !== 'object') return 0;
    const n = node as Node;
    if (n.anchor) anchors.set(n.anchor, n);
    inProgress.add(n);
    let total = 1;
    if (isMap(n)) {
      for (const pair of n.items) total += size(pair.key) + size(pair.value);
    } else if (isSeq(n)) {
      for (const item of n.items) total += size(item);
    }
    inProgress.delete(n);
    sizes.set(n, total);
    return total;
  };
  size(doc.contents);
}

/** The `name` of the container whose `image` sits at `path`, if it is one. */
export function containerNameAt(
  path: NodePath,
  parent: Node | undefined,
): string | undefined {
  const n = path.length;
  if (
    n >= 3 &&
    path[n - 1] === 'image' &&
    typeof path[n - 2] === 'number' &&
    (path[n - 3] === 'containers' || path[n - 3] === 'initContainers') &&
    isMap(parent)
  ) {
    return scalarString((parent as YAMLMap).get('name', true));
  }
  return undefined;
}
