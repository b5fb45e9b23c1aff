import { ManifestRewriteError } from './ManifestRewriteError';
import { assertSafeRelativePath } from './assertSafeRelativePath';

describe('assertSafeRelativePath', () => {
  it.each(['deploy.yaml', 'deploy/prod/values.yaml', '.flux/app.yml', 'a..b/c.yaml'])(
    'accepts %j',
    path => {
      expect(assertSafeRelativePath(path)).toBe(path);
    },
  );

  it.each([
    ['', 'empty'],
    ['/etc/passwd', 'absolute'],
    ['C:/x.yaml', 'absolute'],
    ['../outside.yaml', '".."'],
    ['deploy/../../x.yaml', '".."'],
    ['deploy//x.yaml', 'not normalised'],
    ['./x.yaml', 'not normalised'],
    ['deploy/', 'not normalised'],
    ['a\0b.yaml', 'NUL'],
    ['a\\..\\b.yaml', 'backslash'],
  ])('refuses %j (%s)', (path, reason) => {
    expect(() => assertSafeRelativePath(path)).toThrow(ManifestRewriteError);
    expect(() => assertSafeRelativePath(path)).toThrow(reason);
  });
});
