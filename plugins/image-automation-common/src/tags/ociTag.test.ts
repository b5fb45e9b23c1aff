import { describeInvalidTag, isValidTag, OCI_TAG_PATTERN } from '.';

describe('OCI tag grammar', () => {
  it.each([
    'latest',
    '1.0.0',
    'v1.2.3-rc.1',
    '_internal',
    'A',
    'main-abc123-1700000000',
    'x'.repeat(128),
    'sha256-abc.sig',
  ])('accepts %j', tag => {
    expect(isValidTag(tag)).toBe(true);
    expect(describeInvalidTag(tag)).toBeUndefined();
  });

  it.each([
    ['', 'empty'],
    ['.hidden', 'starts with "."'],
    ['-x', 'starts with "-"'],
    ['x'.repeat(129), '129 characters'],
    ['1.0\n', 'contains "\\n"'],
    ['1.0\nimage: evil', 'contains "\\n"'],
    ['a b', 'contains " "'],
    ['a"b', 'contains "\\""'],
    ["a'b", `contains "'"`],
    ['a:b', 'contains ":"'],
    ['a/b', 'contains "/"'],
    ['a+b', 'contains "+"'],
    ['é', 'starts with "é"'],
  ])('rejects %j', (tag, reason) => {
    expect(isValidTag(tag)).toBe(false);
    expect(describeInvalidTag(tag)).toContain(reason);
  });

  it('is the pattern from the OCI distribution spec', () => {
    expect(OCI_TAG_PATTERN.source).toBe('^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$');
  });
});
