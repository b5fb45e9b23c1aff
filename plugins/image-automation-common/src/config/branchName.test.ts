import { describeInvalidBranchName } from './branchName';

describe('describeInvalidBranchName', () => {
  it.each([
    'main',
    'release/1.x',
    'image-automation/payments',
    'feature_a.b',
    'v1.2.3',
  ])('accepts %j', name =>
    expect(describeInvalidBranchName(name)).toBeUndefined(),
  );

  it.each([
    ['', 'it is empty'],
    ['a b', 'contains a space'],
    ['a~b', 'one of ~ ^ : ? * [ \\'],
    ['a:b', 'one of ~ ^ : ? * [ \\'],
    ['a..b', 'contains ".."'],
    ['a@{b', '"@{"'],
    ['@', '"@{" or is "@"'],
    ['/a', 'empty path component'],
    ['a/', 'empty path component'],
    ['a//b', 'empty path component'],
    ['a.', 'ends with "."'],
    ['-a', 'starts with "-"'],
    ['a/.b', 'starts with "."'],
    ['a.lock/b', 'ends with ".lock"'],
    ['refs/heads/main', 'without "refs/heads/"'],
    ['x'.repeat(256), 'longer than 255'],
  ])('refuses %j: %s', (name, problem) => {
    expect(describeInvalidBranchName(name)).toContain(problem);
  });
});
