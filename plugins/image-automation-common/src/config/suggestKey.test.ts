import { describeUnknownKey, suggestKey } from './suggestKey';

const KEYS = [
  'name',
  'image',
  'policy',
  'filterTags',
  'files',
  'container',
  'minimumAge',
  'allowDowngrade',
];

describe('suggestKey', () => {
  it.each([
    ['polcy', 'policy'],
    ['plociy', 'policy'],
    ['Policy', 'policy'],
    ['fles', 'files'],
    ['filterTag', 'filterTags'],
    ['minimumage', 'minimumAge'],
    ['allowDowngrades', 'allowDowngrade'],
    ['contianer', 'container'],
  ])('suggests %j → %j', (typo, key) => {
    expect(suggestKey(typo, KEYS)).toBe(key);
  });

  it.each(['owner', 'tags', 'x', 'registry'])(
    'suggests nothing for %j',
    unrelated => {
      expect(suggestKey(unrelated, KEYS)).toBeUndefined();
    },
  );

  it('lists the known keys when nothing is close', () => {
    expect(describeUnknownKey('owner', ['a', 'b'])).toBe(
      'unknown key "owner"; known keys: "a", "b"',
    );
  });
});
