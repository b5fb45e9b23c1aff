import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_MANIFEST_BYTES } from '../rewriting';
import { PlanError } from './PlanError';
import { RepositoryDir } from './RepositoryDir';

describe('RepositoryDir', () => {
  let base: string;
  let repo: RepositoryDir;
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'plan-dir-'));
    await mkdir(join(base, 'repo/deploy'), { recursive: true });
    await writeFile(join(base, 'repo/deploy/app.yaml'), 'kind: Pod\n');
    await writeFile(join(base, 'secret.yaml'), 'password: x\n');
    await symlink(
      join(base, 'secret.yaml'),
      join(base, 'repo/deploy/escape.yaml'),
    );
    await symlink('app.yaml', join(base, 'repo/deploy/inside.yaml'));
    await writeFile(
      join(base, 'repo/big.yaml'),
      Buffer.alloc(MAX_MANIFEST_BYTES + 1, 'a'),
    );
    repo = await RepositoryDir.open(join(base, 'repo'), 'repo');
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('reads files inside, following links that stay inside', async () => {
    expect(await repo.read('deploy/app.yaml')).toBe('kind: Pod\n');
    expect(await repo.read('deploy/inside.yaml')).toBe('kind: Pod\n');
    expect(await repo.read('deploy/missing.yaml')).toBeUndefined();
  });

  it.each([
    ['../secret.yaml', 'leaves the repository with ".."'],
    ['/etc/passwd', 'it is absolute'],
    [
      'deploy/escape.yaml',
      'deploy/escape.yaml is a symbolic link that leaves repo',
    ],
    ['deploy', 'deploy in repo is not a file'],
    [
      'big.yaml',
      `big.yaml is ${
        MAX_MANIFEST_BYTES + 1
      } bytes; files over ${MAX_MANIFEST_BYTES} bytes are refused`,
    ],
  ])('refuses %s', async (path, message) => {
    const error = await repo.read(path).catch(e => e);
    expect(error).toBeInstanceOf(PlanError);
    expect(error.message).toContain(message);
    expect(error.exitCode).toBe(1);
  });

  it.each([
    [
      'nowhere',
      '--dir nowhere: no such directory; give the root of the repository checkout',
    ],
    [
      'secret.yaml',
      '--dir secret.yaml: not a directory; give the root of the repository checkout',
    ],
  ])('refuses to open %s with exit 2', async (path, message) => {
    const error = await RepositoryDir.open(join(base, path), path).catch(
      e => e,
    );
    expect(error).toBeInstanceOf(PlanError);
    expect(error.message).toBe(message);
    expect(error.exitCode).toBe(2);
  });
});
