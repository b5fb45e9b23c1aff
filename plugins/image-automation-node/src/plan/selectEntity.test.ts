import { PlanError } from './PlanError';
import { entityRefOf, selectEntity } from './selectEntity';

const entity = (
  kind: string,
  name: string,
  namespace?: string,
  automated = true,
) =>
  [
    'apiVersion: backstage.io/v1alpha1',
    `kind: ${kind}`,
    'metadata:',
    `  name: ${name}`,
    ...(namespace ? [`  namespace: ${namespace}`] : []),
    '  annotations:',
    automated
      ? '    image-automation/image: ghcr.io/acme/api'
      : '    backstage.io/techdocs-ref: dir:.',
    '',
  ].join('\n');

const file = [
  entity('Component', 'api'),
  entity('Component', 'api', 'team-b'),
  entity('Resource', 'worker'),
  entity('Component', 'docs', undefined, false),
  'apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata: { name: shop }\n',
].join('---\n');

function failure(run: () => unknown): PlanError {
  try {
    run();
  } catch (error) {
    if (error instanceof PlanError) return error;
    throw error;
  }
  throw new Error('expected a PlanError');
}

describe('selectEntity', () => {
  it.each([
    ['resource:default/worker', 'resource:default/worker'],
    ['worker', 'resource:default/worker'],
    ['Component:API', 'component:default/api'],
    ['team-b/api', 'component:team-b/api'],
    ['component:team-b/api', 'component:team-b/api'],
  ])('picks %s', (ref, expected) => {
    expect(entityRefOf(selectEntity(file, 'c.yaml', ref))).toBe(expected);
  });

  it('picks the only automated entity without a ref', () => {
    const text = [
      entity('Component', 'docs', undefined, false),
      entity('Component', 'api'),
    ].join('---\n');
    expect(entityRefOf(selectEntity(text, 'c.yaml'))).toBe(
      'component:default/api',
    );
  });

  it.each([
    [
      undefined,
      2,
      'c.yaml holds 3 entities with image-automation/ annotations (component:default/api, component:team-b/api, resource:default/worker); choose one with --entity-ref',
    ],
    [
      'docs',
      2,
      '--entity-ref docs names no entity with image-automation/ annotations in c.yaml; candidates: component:default/api, component:team-b/api, resource:default/worker',
    ],
    [
      'a:b:c',
      2,
      '--entity-ref "a:b:c" is not an entity ref; write [kind:][namespace/]name, e.g. component:default/payments-api',
    ],
  ])('refuses ref %s with exit %d', (ref, exitCode, message) => {
    const error = failure(() => selectEntity(file, 'c.yaml', ref));
    expect(error.message).toBe(message);
    expect(error.exitCode).toBe(exitCode);
  });

  it.each([
    [
      '',
      'c.yaml has no entity with image-automation/ annotations; add them (see `image-automation lint`) or name another file',
    ],
    [
      entity('Component', 'docs', undefined, false),
      'c.yaml has no entity with image-automation/ annotations; add them (see `image-automation lint`) or name another file',
    ],
    ['kind: [unclosed\n', 'c.yaml is not valid YAML: '],
    [
      'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n',
      'c.yaml cannot be read as YAML: ',
    ],
  ])('fails with exit 1 on %j', (text, message) => {
    const error = failure(() => selectEntity(text, 'c.yaml'));
    expect(error.message.startsWith(message)).toBe(true);
    expect(error.exitCode).toBe(1);
  });
});
