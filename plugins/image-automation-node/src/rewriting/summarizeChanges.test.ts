import { summarizeChanges } from './summarizeChanges';
import { ManifestChange } from './types';

const base = { documentIndex: 0, kind: 'Deployment', name: 'web' };

describe('summarizeChanges', () => {
  it('gives one updated image per policy with old and new tag, and every change', () => {
    const changes: ManifestChange[] = [
      { ...base, file: 'deploy.yaml', line: 9, policy: 'flux-system:podinfo', field: 'image',
        oldValue: 'ghcr.io/stefanprodan/podinfo:6.4.0', newValue: 'ghcr.io/stefanprodan/podinfo:6.5.3',
        image: 'ghcr.io/stefanprodan/podinfo:6.5.3' },
      { file: 'values.yaml', line: 3, documentIndex: 0, policy: 'flux-system:podinfo', field: 'tag',
        oldValue: '6.4.0', newValue: '6.5.3' },
      { file: 'values.yaml', line: 7, documentIndex: 0, policy: 'nginx', field: 'tag',
        oldValue: '1.25.3', newValue: '1.25.4', image: 'nginx:1.25.4' },
    ];
    const data = summarizeChanges(changes);
    expect(data.Updated.Images.map(i => [i.Policy, i.Name, i.OldTag, i.NewTag, i.String])).toEqual([
      ['flux-system:podinfo', 'ghcr.io/stefanprodan/podinfo', '6.4.0', '6.5.3', 'ghcr.io/stefanprodan/podinfo:6.5.3'],
      ['nginx', 'nginx', '1.25.3', '1.25.4', 'nginx:1.25.4'],
    ]);
    expect(data.Changed.Changes).toEqual([
      { OldValue: 'ghcr.io/stefanprodan/podinfo:6.4.0', NewValue: 'ghcr.io/stefanprodan/podinfo:6.5.3', Setter: 'flux-system:podinfo' },
      { OldValue: '6.4.0', NewValue: '6.5.3', Setter: 'flux-system:podinfo:tag' },
      { OldValue: '1.25.3', NewValue: '1.25.4', Setter: 'nginx:tag' },
    ]);
    expect(Object.keys(data.Changed.FileChanges)).toEqual(['deploy.yaml', 'values.yaml']);
    expect(Object.keys(data.Changed.FileChanges['deploy.yaml'])).toEqual(['Deployment/web']);
    expect(data.Updated.Files['values.yaml']['Document/0'].map(i => i.Policy)).toEqual([
      'flux-system:podinfo',
      'nginx',
    ]);
  });

  it('rebuilds the image from partial setters when no full reference is known', () => {
    const data = summarizeChanges([
      { file: 'v.yaml', line: 1, documentIndex: 0, policy: 'api', field: 'name',
        oldValue: 'ghcr.io/acme/old', newValue: 'ghcr.io/acme/api' },
      { file: 'v.yaml', line: 2, documentIndex: 0, policy: 'api', field: 'tag',
        oldValue: '1.0.0', newValue: '1.1.0' },
    ]);
    expect(data.Updated.Images).toEqual([
      expect.objectContaining({ Name: 'ghcr.io/acme/api', OldTag: '1.0.0', NewTag: '1.1.0', String: 'ghcr.io/acme/api:1.1.0' }),
    ]);
  });

  it('is empty for no changes', () => {
    expect(summarizeChanges([])).toEqual({
      Updated: { Images: [], Files: {} },
      Changed: { Changes: [], FileChanges: {} },
    });
  });
});
