import fc from 'fast-check';
import { Scalar, parse } from 'yaml';
import { renderScalar } from './scalarText';

/** The definition renderScalar implements: plain only if YAML 1.2 and 1.1 both read the value back as itself. */
function readsBackAsString(value: string): boolean {
  if (/[[\]{},]/.test(value)) return false;
  try {
    return parse(value) === value && parse(value, { version: '1.1' }) === value;
  } catch {
    return false;
  }
}

function plainScalar(): Scalar {
  const scalar = new Scalar('old');
  scalar.type = Scalar.PLAIN;
  return scalar;
}

describe('renderScalar on a plain scalar', () => {
  it.each([
    ['ghcr.io/acme/app:1.2.3', 'ghcr.io/acme/app:1.2.3'],
    ['nginx@sha256:0123', 'nginx@sha256:0123'],
    ['1.2.3', '1.2.3'],
    ['1.10', '"1.10"'],
    ['1:20', '"1:20"'], // a sexagesimal number in YAML 1.1
    ['2001-12-14', '"2001-12-14"'], // a timestamp in YAML 1.1
    ['yes', '"yes"'],
    ['repo/app:', '"repo/app:"'],
    ['-/x', '-/x'],
    ['@x/y', '"@x/y"'],
  ])('writes %s as %s', (value, written) => {
    const warnings: string[] = [];
    expect(
      renderScalar(plainScalar(), value, 'f.yaml:1', w => warnings.push(w)),
    ).toBe(written);
    expect(warnings).toHaveLength(written === value ? 0 : 1);
  });

  it('quotes exactly the values YAML would not read back as the same string', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9._:/@-]{1,12}$/), value => {
        const written = renderScalar(
          plainScalar(),
          value,
          'f.yaml:1',
          () => {},
        );
        expect(written === value).toBe(readsBackAsString(value));
      }),
      { numRuns: 1000 },
    );
  });
});
