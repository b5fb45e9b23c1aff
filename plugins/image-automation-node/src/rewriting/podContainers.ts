import { Node, YAMLMap, isAlias, isMap, isSeq } from 'yaml';
import type { ManifestDocument } from './ManifestSource';
import { NodePath, scalarString } from './documentTree';

/** One container of a pod spec, as written in the file. */
export interface PodContainer {
  name?: string;
  /** The `image` value node; undefined when the container has none of its own. */
  image?: Node;
  /** True when the container entry itself is an alias (`- *sidecar`). */
  aliased: boolean;
  /** `containers` or `initContainers`. */
  list: 'containers' | 'initContainers';
}

/**
 * Every container of every pod spec in a document: a bare Pod's `spec`, and
 * any `template.spec` (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
 * CronJob's `jobTemplate.spec.template.spec`, and CRDs with a pod template).
 */
export function findPodContainers(doc: ManifestDocument): PodContainer[] {
  const found: PodContainer[] = [];
  const root = doc.contents;
  const kind = isMap(root) ? scalarString(root.get('kind', true)) : undefined;
  const walk = (node: unknown, path: NodePath) => {
    if (isMap(node)) {
      if (isPodSpecPath(path, kind)) collectContainers(doc, node, found);
      for (const pair of node.items) {
        const key = scalarString(pair.key) ?? '?';
        if (key === 'containers' || key === 'initContainers') continue;
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => walk(item, [...path, index]));
    }
  };
  walk(root, []);
  return found;
}

function isPodSpecPath(path: NodePath, kind: string | undefined): boolean {
  const n = path.length;
  if (n === 1 && path[0] === 'spec' && kind === 'Pod') return true;
  return n >= 2 && path[n - 1] === 'spec' && path[n - 2] === 'template';
}

function collectContainers(
  doc: ManifestDocument,
  podSpec: YAMLMap,
  into: PodContainer[],
) {
  for (const list of ['containers', 'initContainers'] as const) {
    const items = podSpec.get(list, true);
    if (!isSeq(items)) continue;
    for (const item of items.items) {
      if (isAlias(item)) {
        // Only yaml-parsed documents hold aliases (scanPlainManifest gives up on them).
        const target = doc.yaml ? item.resolve(doc.yaml) : undefined;
        const name = isMap(target)
          ? scalarString(target.get('name', true))
          : undefined;
        into.push({ name, aliased: true, list });
      } else if (isMap(item)) {
        const image = item.get('image', true) as Node | undefined;
        into.push({
          name: scalarString(item.get('name', true)),
          image,
          aliased: false,
          list,
        });
      }
    }
  }
}
