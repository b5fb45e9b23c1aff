import { defaultPushBranch, shorthandImageName } from './entityDefaults';

const entity = (kind: string, name: string, namespace?: string) => ({
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
});

describe('defaultPushBranch', () => {
  it.each([
    [
      entity('Component', 'payments-api'),
      'image-automation/component-default-payments-api',
    ],
    [
      entity('Component', 'Payments_API', 'Team-A'),
      'image-automation/component-team-a-payments_api',
    ],
    [
      entity('Resource', 'db.primary', 'prod'),
      'image-automation/resource-prod-db.primary',
    ],
    [entity('Component', 'a..b'), 'image-automation/component-default-a.b'],
    [
      entity('Component', 'x.lock'),
      'image-automation/component-default-x-lock',
    ],
    [
      entity('Component', 'trailing.'),
      'image-automation/component-default-trailing',
    ],
    [
      entity('Component', 'odd name~^:?*[\\'),
      'image-automation/component-default-odd-name-',
    ],
  ])('derives a Git-safe branch from the entity ref (%#)', (input, branch) => {
    expect(defaultPushBranch(input)).toBe(branch);
  });
});

describe('shorthandImageName', () => {
  it('is the entity name, which setter markers refer to', () => {
    expect(
      shorthandImageName(entity('Component', 'payments-api', 'team-a')),
    ).toBe('payments-api');
  });
});
