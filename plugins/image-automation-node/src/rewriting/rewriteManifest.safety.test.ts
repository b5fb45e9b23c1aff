/*
 * The backend's cautious rewrite: never another repository, digest pins kept
 * or updated, and a say per place (no downgrade of a place above its target).
 */
import { ManifestRewriteError } from './ManifestRewriteError';
import { rewriteManifest } from './rewriteManifest';

const file = (content: string) => ({ path: 'deploy/app.yaml', content });
const CAUTIOUS = { keepRepository: true, digestOnlyWherePinned: true };

describe('rewriteManifest with keepRepository', () => {
  it('refuses a full-ref setter that names another repository, with file:line', () => {
    const content =
      'image: ghcr.io/other/tool:1.0.0 # {"$imagepolicy": "api"}\n';
    expect(() =>
      rewriteManifest(
        file(content),
        { api: 'ghcr.io/acme/api:1.1.0' },
        CAUTIOUS,
      ),
    ).toThrow(
      new ManifestRewriteError(
        'deploy/app.yaml:1: holds "ghcr.io/other/tool:1.0.0", an image of ghcr.io/other/tool, but policy "api" is for ghcr.io/acme/api; the plugin changes only tags and digests, never the repository: write ghcr.io/acme/api there, or point the marker at the policy of that image',
      ),
    );
    // Without the option, Flux's semantics: the whole reference is set.
    expect(
      rewriteManifest(file(content), { api: 'ghcr.io/acme/api:1.1.0' }).content,
    ).toBe('image: ghcr.io/acme/api:1.1.0 # {"$imagepolicy": "api"}\n');
  });

  it('refuses a structured container target that holds another repository', () => {
    const content = `kind: Pod
spec:
  containers:
    - name: api
      image: busybox:1.36
`;
    expect(() =>
      rewriteManifest(
        file(content),
        { api: 'ghcr.io/acme/api:1.1.0' },
        { ...CAUTIOUS, targets: [{ policy: 'api', container: 'api' }] },
      ),
    ).toThrow(
      /deploy\/app\.yaml:5: holds "busybox:1\.36", an image of docker\.io\/library\/busybox/,
    );
  });

  it('changes only the tag where the file names the same repository, in its own spelling', () => {
    const content = 'image: nginx:1.25 # {"$imagepolicy": "web"}\n';
    expect(
      rewriteManifest(
        file(content),
        { web: 'docker.io/library/nginx:1.26' },
        CAUTIOUS,
      ).content,
    ).toBe('image: nginx:1.26 # {"$imagepolicy": "web"}\n');
  });
});

describe('rewriteManifest with digestOnlyWherePinned', () => {
  const pinned = `image: ghcr.io/acme/api:1.0.0@sha256:${'a'.repeat(
    64,
  )} # {"$imagepolicy": "api"}\n`;
  const plain = 'image: ghcr.io/acme/api:1.0.0 # {"$imagepolicy": "api"}\n';
  const newDigest = `sha256:${'b'.repeat(64)}`;

  it('updates a pin with the new digest', () => {
    expect(
      rewriteManifest(
        file(pinned),
        { api: `ghcr.io/acme/api:1.1.0@${newDigest}` },
        CAUTIOUS,
      ).content,
    ).toBe(
      `image: ghcr.io/acme/api:1.1.0@${newDigest} # {"$imagepolicy": "api"}\n`,
    );
  });

  it('never drops a pin: no new digest is an error', () => {
    expect(() =>
      rewriteManifest(
        file(pinned),
        { api: 'ghcr.io/acme/api:1.1.0' },
        CAUTIOUS,
      ),
    ).toThrow(/deploy\/app\.yaml:1: pins a digest .* a pin is never dropped/);
  });

  it('adds no pin where the file had none', () => {
    expect(
      rewriteManifest(
        file(plain),
        { api: `ghcr.io/acme/api:1.1.0@${newDigest}` },
        CAUTIOUS,
      ).content,
    ).toBe('image: ghcr.io/acme/api:1.1.0 # {"$imagepolicy": "api"}\n');
  });
});

describe('rewriteManifest with acceptChange', () => {
  it('leaves a refused place byte for byte and reports only the others', () => {
    const content = [
      'a: ghcr.io/acme/api:1.0.0 # {"$imagepolicy": "api"}',
      'b: ghcr.io/acme/api:1.2.0 # {"$imagepolicy": "api"}',
      '',
    ].join('\n');
    const result = rewriteManifest(
      file(content),
      { api: 'ghcr.io/acme/api:1.1.0' },
      { acceptChange: change => change.oldValue.endsWith(':1.0.0') },
    );
    expect(result.content).toBe(
      [
        'a: ghcr.io/acme/api:1.1.0 # {"$imagepolicy": "api"}',
        'b: ghcr.io/acme/api:1.2.0 # {"$imagepolicy": "api"}',
        '',
      ].join('\n'),
    );
    expect(result.changes.map(c => c.line)).toEqual([1]);
  });
});
