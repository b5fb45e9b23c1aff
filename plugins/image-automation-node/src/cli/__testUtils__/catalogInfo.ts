/**
 * A catalog-info document: a Component with these annotations, a multi-line
 * value written as a block scalar.
 */
export function component(
  name: string,
  annotations: Record<string, string>,
): string {
  const lines = Object.entries(annotations).map(([key, value]) =>
    value.includes('\n')
      ? `    ${key}: |\n${value.replace(/^/gm, '      ').trimEnd()}`
      : `    ${key}: ${JSON.stringify(value)}`,
  );
  return [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Component',
    'metadata:',
    `  name: ${name}`,
    '  annotations:',
    ...lines,
    'spec: { type: service, lifecycle: production, owner: team-a }',
    '',
  ].join('\n');
}
