import fc from 'fast-check';
import { FirstSeenTags } from './FirstSeenTags';

describe('FirstSeenTags', () => {
  it('reads back every time it was made from, and nothing else', () => {
    const listed = FirstSeenTags.fromRecord({
      '1.10.0': 3,
      '1.9.0': 2,
      latest: 1,
    });
    expect(listed.size).toBe(3);
    expect(listed.tags).toEqual(['1.10.0', '1.9.0', 'latest']);
    expect(listed.firstSeen('1.9.0')).toBe(2);
    expect(listed.firstSeen('1.10.0')).toBe(3);
    expect(listed.firstSeen('latest')).toBe(1);
    expect(listed.firstSeen('1.8.0')).toBeUndefined();
    expect(listed.firstSeen('')).toBeUndefined();

    // A tag named __proto__ is a tag like any other, stored and read back.
    const stored = JSON.parse('{"__proto__": 7, "constructor": 8}');
    const odd = FirstSeenTags.fromRecord(stored);
    expect(odd.firstSeen('__proto__')).toBe(7);
    expect(odd.firstSeen('constructor')).toBe(8);
    expect(JSON.parse(JSON.stringify(odd))).toEqual(stored);
    expect(Object.keys(odd.toJSON())).toEqual(['__proto__', 'constructor']);
  });

  it('writes its JSON text as JSON.stringify writes its record, whatever the tags', () => {
    const record = JSON.parse(
      '{"1.0.0": 1, "20240101": 2, "__proto__": 3, "quo\\"te": 4, "back\\\\slash": 5, "t\\u00e9l\\u00e9": 6.5, "5": 1700000000000}',
    );
    const listed = FirstSeenTags.fromRecord(record);
    const text = listed.toJSONText();
    // Same members; JSON.stringify would put integer-like keys first.
    expect(JSON.parse(text)).toEqual(record);
    expect(Object.keys(JSON.parse(text))).toHaveLength(7);
    expect(FirstSeenTags.fromRecord(JSON.parse(text)).equals(listed)).toBe(
      true,
    );
    expect(FirstSeenTags.fromRecord({}).toJSONText()).toBe('{}');
    expect(FirstSeenTags.fromRecord({ a: 1, b: 2 }).toJSONText()).toBe(
      '{"a":1,"b":2}',
    );
  });

  it('reads JSON text as JSON.parse and fromRecord read it, whatever the tags and times', () => {
    const tag = fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: 'binary' }),
      fc.constantFrom(
        '__proto__',
        'constructor',
        '1',
        '20240101',
        '"',
        '\\',
        '\u2028',
        '\ud800',
      ),
    );
    const time = fc.oneof(
      fc.integer({ min: 0, max: 4102444800000 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
    );
    fc.assert(
      fc.property(fc.dictionary(tag, time), record => {
        const text = JSON.stringify(record);
        const expected = FirstSeenTags.fromRecord(JSON.parse(text));
        expect(FirstSeenTags.fromJSONText(text).equals(expected)).toBe(true);
        const written = expected.toJSONText();
        expect(FirstSeenTags.fromJSONText(written).equals(expected)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['spaces', '{ "a": 1, "b": 2 }'],
    ['a duplicate tag (the last one counts)', '{"b":1,"a":2,"b":3}'],
    ['unsorted tags', '{"b":1,"a":2}'],
    ['an escaped tag', '{"a\\"b":1,"\\u00e9":2}'],
    ['an exponent', '{"a":1e3,"b":-0.5}'],
  ])('reads text with %s as JSON.parse does', (_, text) => {
    expect(
      FirstSeenTags.fromJSONText(text).equals(
        FirstSeenTags.fromRecord(JSON.parse(text)),
      ),
    ).toBe(true);
  });

  it.each([
    ['{"a":01}'],
    ['{"a":1,}'],
    ['{"a":1'],
    ['{"a\u0001":1}'],
    ['{"a":1}x'],
  ])('refuses %j as JSON.parse does', text => {
    expect(() => FirstSeenTags.fromJSONText(text)).toThrow(SyntaxError);
  });

  it('finds every tag of a random list, and no tag it does not list', () => {
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const alphabet = 'abcxyzABC0123456789._-';
    for (let run = 0; run < 200; run++) {
      const record: Record<string, number> = {};
      const count = Math.floor(next() * 60);
      for (let i = 0; i < count; i++) {
        const length = 1 + Math.floor(next() * 6);
        let tag = '';
        for (let c = 0; c < length; c++)
          tag += alphabet[Math.floor(next() * alphabet.length)];
        record[tag] = Math.floor(next() * 1e12);
      }
      const listed = FirstSeenTags.fromRecord(record);
      expect(listed.toJSON()).toEqual(record);
      for (const tag of Object.keys(record))
        expect(listed.firstSeen(tag)).toBe(record[tag]);
      const absent = ['', 'zzzzzzz', '~', `${listed.tags[0]}~`].filter(
        tag => !Object.hasOwn(record, tag),
      );
      for (const tag of absent) expect(listed.firstSeen(tag)).toBeUndefined();
    }
  });

  it('keeps the list it had when the registry lists the same tags, in any order and repeated', () => {
    const previous = FirstSeenTags.fromRecord({ '1.0.0': 5, '1.1.0': 7 });
    expect(FirstSeenTags.listed(['1.1.0', '1.0.0'], previous, 99)).toBe(
      previous,
    );
    expect(
      FirstSeenTags.listed(['1.0.0', '1.1.0', '1.0.0'], previous, 99),
    ).toBe(previous);
  });

  it('gives a new tag the time of the scan and keeps the others’ times', () => {
    const previous = FirstSeenTags.fromRecord({ '1.0.0': 5, '1.1.0': 7 });
    const added = FirstSeenTags.listed(
      ['1.1.0', '2.0.0', '1.0.0'],
      previous,
      99,
    );
    expect(added.toJSON()).toEqual({ '1.0.0': 5, '1.1.0': 7, '2.0.0': 99 });
    const dropped = FirstSeenTags.listed(['1.1.0'], previous, 99);
    expect(dropped.toJSON()).toEqual({ '1.1.0': 7 });
    expect(FirstSeenTags.listed([], undefined, 99).size).toBe(0);
  });

  it('is equal to a list with the same tags and times only', () => {
    const a = FirstSeenTags.fromRecord({ '1.0.0': 5, '1.1.0': 7 });
    expect(a.equals(FirstSeenTags.fromRecord({ '1.1.0': 7, '1.0.0': 5 }))).toBe(
      true,
    );
    expect(a.equals(FirstSeenTags.fromRecord({ '1.0.0': 5, '1.1.0': 8 }))).toBe(
      false,
    );
    expect(a.equals(FirstSeenTags.fromRecord({ '1.0.0': 5 }))).toBe(false);
    expect(a.equals(FirstSeenTags.fromRecord({ '1.0.0': 5, '1.2.0': 7 }))).toBe(
      false,
    );
    expect(a.equals(undefined)).toBe(false);
  });
});
