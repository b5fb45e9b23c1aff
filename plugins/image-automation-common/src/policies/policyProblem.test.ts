import { createTagPolicy } from './createTagPolicy';
import { policyProblem } from './policyProblem';

jest.mock('./createTagPolicy', () => {
  const actual = jest.requireActual('./createTagPolicy');
  return { createTagPolicy: jest.fn(actual.createTagPolicy) };
});

const compile = createTagPolicy as jest.MockedFunction<typeof createTagPolicy>;

describe('policyProblem', () => {
  beforeEach(() => compile.mockClear());

  it('says what the engine says about a spec, without its final period', () => {
    expect(policyProblem({ semver: { range: '^1.0.0' } })).toBeUndefined();
    const problem = policyProblem({ semver: { range: '>=1.0.0 <<2' } });
    expect(problem).toMatch(/range/);
    expect(problem).not.toMatch(/\.$/);
    expect(policyProblem({ semver: { range: '>=1.0.0 <<2' } })).toBe(problem);
  });

  it('compiles each distinct spec once, however many entities name it', () => {
    for (let i = 0; i < 50; i++) {
      expect(
        policyProblem({
          numerical: { order: 'desc' },
          filterTags: { pattern: `^${i % 2}` },
        }),
      ).toBeUndefined();
      expect(policyProblem({ alphabetical: { order: 'up' as never } })).toMatch(
        /order/,
      );
    }
    expect(compile).toHaveBeenCalledTimes(3);
  });

  it('never lets JSON blur two specs the engine tells apart', () => {
    // JSON writes NaN as null and leaves undefined out: such specs are compiled each time.
    const nan = policyProblem({ numerical: { order: NaN as never } });
    const nul = policyProblem({ numerical: { order: null as never } });
    expect(nan).toMatch(/order/);
    expect(nul).toBeUndefined(); // order null is the default order
    expect(policyProblem({ numerical: { order: null as never } })).toBe(nul);
    const left = policyProblem({ semver: { range: undefined as never } });
    expect(policyProblem({ semver: { range: undefined as never } })).toBe(left);
    const date = { semver: { range: new Date(0) as never } };
    expect(policyProblem(date)).toBe(policyProblem(date));
    expect(policyProblem({ semver: { range: 10n as never } })).toBeDefined();
    // NaN once, null once (then remembered), undefined twice, the Date twice, the BigInt once.
    expect(compile).toHaveBeenCalledTimes(7);
  });
});
