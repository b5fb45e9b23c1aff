import { createTagPolicy } from '.';
import { parseTemplate } from './expandTemplate';

describe('parseTemplate (Go regexp.Expand rules)', () => {
  it.each([
    ['$ts', [{ reference: 'ts' }]],
    ['${ts}', [{ reference: 'ts' }]],
    ['$1', [{ reference: '1' }]],
    ['$1x', [{ reference: '1x' }]],
    ['${1}x', [{ reference: '1' }, { literal: 'x' }]],
    [
      'v$major.$minor',
      [
        { literal: 'v' },
        { reference: 'major' },
        { literal: '.' },
        { reference: 'minor' },
      ],
    ],
    ['$$1', [{ literal: '$1' }]],
    ['$', [{ literal: '$' }]],
    ['${x', [{ literal: '${x' }]],
    ['$-', [{ literal: '$-' }]],
    ['plain', [{ literal: 'plain' }]],
  ])('%j', (template, parts) => {
    expect(parseTemplate(template)).toEqual(parts);
  });
});

describe('extraction', () => {
  function extracted(
    pattern: string,
    extract: string,
    tag: string,
  ): string | undefined {
    // alphabetical orders the extracted value itself; a single tag is chosen
    // exactly when it matches, and two tags show which value won.
    const policy = createTagPolicy({
      alphabetical: { order: 'asc' },
      filterTags: { pattern, extract },
    });
    const excluded = policy.evaluate([tag]).excluded;
    return excluded.length ? undefined : tag;
  }

  it('expands a group that did not take part in the match to nothing', () => {
    const policy = createTagPolicy({
      numerical: { order: 'asc' },
      filterTags: {
        pattern: '^(?:a-(?P<a>[0-9]+)|b-(?P<b>[0-9]+))$',
        extract: '$a$b',
      },
    });
    expect(policy.evaluate(['a-5', 'b-7', 'a-6']).latest).toBe('b-7');
  });

  it('uses the leftmost match, not the whole tag', () => {
    const policy = createTagPolicy({
      numerical: { order: 'asc' },
      filterTags: { pattern: '([0-9]+)', extract: '$1' },
    });
    // First run of digits in each tag: 9, 10, 2
    expect(policy.evaluate(['x9y100', 'x10y1', 'x2']).latest).toBe('x10y1');
  });

  it('keeps tags that match even when the extract is partly literal', () => {
    expect(extracted('^v(?P<v>.*)$', 'release-$v', 'v1')).toBe('v1');
    expect(extracted('^v(?P<v>.*)$', 'release-$v', 'x1')).toBeUndefined();
  });
});
