import { readSetterName, resolveSetter } from './setterMarker';

describe('readSetterName (kyaml fieldmeta rules)', () => {
  it.each([
    ['# {"$imagepolicy": "flux-system:podinfo"}', 'flux-system:podinfo'],
    ['#{"$imagepolicy":"ns:p:tag"}', 'ns:p:tag'],
    ['##   {"$imagepolicy": "p"}   ', 'p'],
    ['# {"$imagepolicy": "p", "other": "x"}', 'p'],
    ['# {"$imagepolicy": "p"}\r', 'p'],
  ])('reads %j', (comment, name) => {
    expect(readSetterName(comment)).toBe(name);
  });

  it.each([
    ['# pinned', 'not JSON'],
    ['# {"$imagepolicy": "p"} pinned', 'text after the object'],
    ['# {"$imagepolicy": ""}', 'empty name'],
    ['# {"$imagepolicy": "p", "n": 1}', 'a non-string value (Go decodes into map[string]string)'],
    ['# {"$openapi": "p"}', 'another shorthand'],
    ['# ["$imagepolicy"]', 'not an object'],
    ['# $imagepolicy: p', 'YAML, not JSON'],
  ])('ignores %j (%s)', comment => {
    expect(readSetterName(comment)).toBeUndefined();
  });
});

describe('resolveSetter', () => {
  const known = (...names: string[]) => (p: string) => names.includes(p);

  it.each([
    ['flux-system:podinfo', ['flux-system:podinfo'], 'flux-system:podinfo', 'image', true],
    ['flux-system:podinfo:tag', ['flux-system:podinfo'], 'flux-system:podinfo', 'tag', true],
    ['flux-system:podinfo:name', ['flux-system:podinfo'], 'flux-system:podinfo', 'name', true],
    ['flux-system:podinfo:digest', ['flux-system:podinfo'], 'flux-system:podinfo', 'digest', true],
    ['api:tag', ['api:tag'], 'api:tag', 'image', true],
    ['api:tag', ['api', 'api:tag'], 'api', 'tag', true],
    ['other:tag', ['api'], 'other', 'tag', false],
    ['other', ['api'], 'other', 'image', false],
    [':tag', [':tag'], ':tag', 'image', true],
  ] as const)('%j with policies %j → %s %s', (setter, policies, policy, field, isKnown) => {
    expect(resolveSetter(setter, known(...policies))).toEqual({ policy, field, known: isKnown });
  });
});
