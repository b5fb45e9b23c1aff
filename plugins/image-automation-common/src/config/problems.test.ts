import { describeConfigProblem } from './problems';

describe('describeConfigProblem', () => {
  it('puts key, message and example on one line', () => {
    expect(
      describeConfigProblem({
        key: 'image-automation/policy',
        message: 'unknown policy kind "semvr".',
        example: 'image-automation/policy: "semver: >=1.4.0 <2.0.0"',
      }),
    ).toBe(
      'image-automation/policy: unknown policy kind "semvr" (example: image-automation/policy: "semver: >=1.4.0 <2.0.0")',
    );
  });

  it('leaves out a missing example', () => {
    expect(
      describeConfigProblem({
        key: 'image-automation/config: images[1].policy',
        message: 'missing',
      }),
    ).toBe('image-automation/config: images[1].policy: missing');
  });

  it('folds a multi-line example', () => {
    expect(
      describeConfigProblem({
        key: 'k',
        message: 'm',
        example: 'a:\n  b: 1\n',
      }),
    ).toBe('k: m (example: a: b: 1)');
  });
});
