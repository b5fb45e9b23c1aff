import { GitlabEmulator, startGitlabEmulator } from './index';
import { graphqlRequest } from './testing/client';

const TOKEN = 'glpat-writer';
const REPO_ONLY = 'glpat-repo-only';
const PROJECT = 'acme/deploy';

const BLOBS = `
  query Blobs($fullPath: ID!, $ref: String!, $paths: [String!]!, $after: String) {
    project(fullPath: $fullPath) {
      repository {
        blobs(ref: $ref, paths: $paths, after: $after) {
          nodes { path oid size mode rawTextBlob }
          pageInfo { hasNextPage endCursor }
        }
      }
    }
  }`;

describe('GitLab emulator: GraphQL blobs', () => {
  let gitlab: GitlabEmulator;
  let head: string;

  beforeAll(async () => {
    gitlab = await startGitlabEmulator({
      tokens: [TOKEN, { token: REPO_ONLY, scopes: ['read_repository'] }],
    });
    const files: Record<string, string> = { 'bin.dat': 'a\u0000b' };
    for (let i = 0; i < 120; i++)
      files[`apps/app-${i}.yaml`] = `image: app:${i}\n`;
    ({ headSha: head } = await gitlab.createProject(PROJECT, { files }));
  });
  afterAll(() => gitlab.stop());

  it('returns many blobs in one request, sizes as BigInt strings, missing paths left out', async () => {
    const res = await graphqlRequest(gitlab, TOKEN, BLOBS, {
      fullPath: PROJECT,
      ref: head,
      paths: ['apps/app-1.yaml', 'apps/app-2.yaml', 'nope.yaml'],
    });
    expect(res.status).toBe(200);
    const { nodes } = res.body.data.project.repository.blobs;
    expect(nodes).toEqual([
      expect.objectContaining({
        path: 'apps/app-1.yaml',
        size: '13',
        mode: '100644',
        rawTextBlob: 'image: app:1\n',
      }),
      expect.objectContaining({
        path: 'apps/app-2.yaml',
        rawTextBlob: 'image: app:2\n',
      }),
    ]);
  });

  it('pages at 100 blobs and gives binary data no rawTextBlob', async () => {
    const paths = Array.from({ length: 120 }, (_, i) => `apps/app-${i}.yaml`);
    const first = await graphqlRequest(gitlab, TOKEN, BLOBS, {
      fullPath: PROJECT,
      ref: 'main',
      paths,
    });
    const page = first.body.data.project.repository.blobs;
    expect(page.nodes).toHaveLength(100);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const second = await graphqlRequest(gitlab, TOKEN, BLOBS, {
      fullPath: PROJECT,
      ref: 'main',
      paths,
      after: page.pageInfo.endCursor,
    });
    expect(second.body.data.project.repository.blobs.nodes).toHaveLength(20);
    const binary = await graphqlRequest(gitlab, TOKEN, BLOBS, {
      fullPath: PROJECT,
      ref: 'main',
      paths: ['bin.dat'],
    });
    expect(
      binary.body.data.project.repository.blobs.nodes[0].rawTextBlob,
    ).toBeNull();
  });

  it('shows an anonymous caller no project, refuses an unknown token and a token without read_api', async () => {
    const vars = { fullPath: PROJECT, ref: 'main', paths: ['bin.dat'] };
    expect(
      (await graphqlRequest(gitlab, undefined, BLOBS, vars)).body.data.project,
    ).toBeNull();
    expect(
      await graphqlRequest(gitlab, 'glpat-wrong', BLOBS, vars),
    ).toMatchObject({
      status: 401,
      body: { errors: [{ message: 'Invalid token' }] },
    });
    expect(await graphqlRequest(gitlab, REPO_ONLY, BLOBS, vars)).toMatchObject({
      status: 403,
      body: { error: 'insufficient_scope' },
    });
  });

  it('rejects a query outside the schema as GraphQL does', async () => {
    const res = await graphqlRequest(
      gitlab,
      TOKEN,
      '{ project(fullPath: "acme/deploy") { nope } }',
      {},
    );
    expect(res.body.errors[0].message).toMatch(/Cannot query field "nope"/);
  });
});
