import { runGit } from '../git/runGit';
import { GitlabEmulator, startGitlabEmulator } from './index';
import { restClient } from './testing/client';

const TOKEN = 'glpat-writer';
const READ_ONLY = 'glpat-reader';
const PROJECT = 'acme/platform/deploy';
const ID = encodeURIComponent(PROJECT);

describe('GitLab emulator: REST API v4', () => {
  let gitlab: GitlabEmulator;
  let api: ReturnType<typeof restClient>;
  let initial: string;

  beforeAll(async () => {
    gitlab = await startGitlabEmulator({
      tokens: [TOKEN, { token: READ_ONLY, scopes: ['read_api'] }],
    });
    api = restClient(gitlab, TOKEN);
    ({ headSha: initial } = await gitlab.createProject(PROJECT, {
      files: {
        'apps/a.yaml': 'image: a:1\n',
        'apps/b.yaml': 'image: b:1\n',
        'README.md': '# deploy\n',
      },
    }));
  });
  afterEach(() => gitlab.clearFaults());
  afterAll(() => gitlab.stop());

  describe('authentication and scopes', () => {
    it.each([
      ['no token', undefined],
      ['an unknown token', 'glpat-wrong'],
    ])('answers 401 with %s', async (_, token) => {
      const res = await restClient(gitlab, token)('GET', `/projects/${ID}`);
      expect(res).toMatchObject({
        status: 401,
        body: { message: '401 Unauthorized' },
      });
    });

    it('accepts PRIVATE-TOKEN and Authorization: Bearer', async () => {
      for (const header of ['PRIVATE-TOKEN', 'Bearer'] as const) {
        const res = await restClient(
          gitlab,
          TOKEN,
          header,
        )('GET', `/projects/${ID}`);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({
          path_with_namespace: PROJECT,
          default_branch: 'main',
          web_url: `${gitlab.baseUrl}/${PROJECT}`,
        });
      }
    });

    it('lets a read_api token read and answers its writes 403 insufficient_scope naming api', async () => {
      const reader = restClient(gitlab, READ_ONLY);
      expect(
        (await reader('GET', `/projects/${ID}/repository/branches/main`))
          .status,
      ).toBe(200);
      const res = await reader('POST', `/projects/${ID}/repository/branches`, {
        branch: 'x',
        ref: 'main',
      });
      expect(res).toMatchObject({
        status: 403,
        body: { error: 'insufficient_scope', scope: 'api' },
      });
      expect(res.headers.get('www-authenticate')).toContain(
        'insufficient_scope',
      );
    });

    it('finds projects only by URL-encoded full path or numeric id', async () => {
      const { body } = await api('GET', `/projects/${ID}`);
      expect((await api('GET', `/projects/${body.id}`)).status).toBe(200);
      // A literal slash does not name a project on GitLab: the route does not match.
      expect((await api('GET', `/projects/${PROJECT}`)).status).toBe(404);
      expect(
        await api('GET', `/projects/${encodeURIComponent('acme/nope')}`),
      ).toMatchObject({
        status: 404,
        body: { message: '404 Project Not Found' },
      });
    });

    it('injects 502s and 429s with Retry-After, one request each', async () => {
      gitlab.injectFaults({
        status5xx: 1,
        rateLimited: { count: 1, retryAfterSeconds: 7 },
      });
      expect((await api('GET', `/projects/${ID}`)).status).toBe(502);
      const limited = await api('GET', `/projects/${ID}`);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('7');
      expect((await api('GET', `/projects/${ID}`)).status).toBe(200);
    });
  });

  describe('branches', () => {
    it('creates a branch once: a second create answers 400 Branch already exists', async () => {
      const created = await api('POST', `/projects/${ID}/repository/branches`, {
        branch: 'feature/one',
        ref: initial,
      });
      expect(created).toMatchObject({
        status: 201,
        body: { name: 'feature/one', commit: { id: initial } },
      });
      expect(
        await api('POST', `/projects/${ID}/repository/branches`, {
          branch: 'feature/one',
          ref: 'main',
        }),
      ).toMatchObject({
        status: 400,
        body: { message: 'Branch already exists' },
      });
      expect(
        (
          await api(
            'GET',
            `/projects/${ID}/repository/branches/${encodeURIComponent(
              'feature/one',
            )}`,
          )
        ).body.commit.id,
      ).toBe(initial);
    });

    it('refuses bad names and refs, and answers 404 Branch Not Found', async () => {
      expect(
        await api('POST', `/projects/${ID}/repository/branches`, {
          branch: 'a..b',
          ref: 'main',
        }),
      ).toMatchObject({
        status: 400,
        body: { message: 'Branch name is invalid' },
      });
      expect(
        await api('POST', `/projects/${ID}/repository/branches`, {
          branch: 'ok',
          ref: 'nope',
        }),
      ).toMatchObject({
        status: 400,
        body: { message: 'Invalid reference name: nope' },
      });
      expect(
        await api('POST', `/projects/${ID}/repository/branches`, {
          ref: 'main',
        }),
      ).toMatchObject({ status: 400, body: { error: 'branch is missing' } });
      expect(
        await api('GET', `/projects/${ID}/repository/branches/nope`),
      ).toMatchObject({
        status: 404,
        body: { message: '404 Branch Not Found' },
      });
    });
  });

  describe('tree', () => {
    it('lists recursively with keyset pagination and Link rel="next"', async () => {
      const paths: string[] = [];
      let url:
        | string
        | undefined = `/projects/${ID}/repository/tree?ref=main&recursive=true&per_page=2&pagination=keyset`;
      let pages = 0;
      while (url) {
        const res = await api('GET', url);
        expect(res.status).toBe(200);
        pages += 1;
        paths.push(
          ...res.body.map((e: any) => `${e.type}:${e.path}:${e.mode}`),
        );
        url = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
      }
      expect(pages).toBe(2);
      expect(paths).toEqual([
        'blob:README.md:100644',
        'tree:apps:040000',
        'blob:apps/a.yaml:100644',
        'blob:apps/b.yaml:100644',
      ]);
    });

    it('answers 404 Tree Not Found for an unknown ref', async () => {
      expect(
        await api('GET', `/projects/${ID}/repository/tree?ref=nope`),
      ).toMatchObject({
        status: 404,
        body: { message: '404 Tree Not Found' },
      });
    });
  });

  describe('commits with actions', () => {
    it('commits several actions at once onto a new branch from start_sha', async () => {
      const res = await api('POST', `/projects/${ID}/repository/commits`, {
        branch: 'bump',
        start_sha: initial,
        commit_message: 'Bump images\n\nBody',
        author_name: 'Bot',
        author_email: 'bot@example.com',
        actions: [
          {
            action: 'update',
            file_path: 'apps/a.yaml',
            content: 'image: a:2\n',
          },
          {
            action: 'create',
            file_path: 'apps/c.yaml',
            content: Buffer.from('image: c:1\n').toString('base64'),
            encoding: 'base64',
          },
          { action: 'chmod', file_path: 'apps/b.yaml', execute_filemode: true },
        ],
      });
      expect(res).toMatchObject({
        status: 201,
        body: {
          parent_ids: [initial],
          message: 'Bump images\n\nBody',
          author_name: 'Bot',
        },
      });
      expect(await gitlab.readFile(PROJECT, 'bump', 'apps/c.yaml')).toBe(
        'image: c:1\n',
      );
      const { stdout } = await runGit(gitlab.gitDir(PROJECT), [
        'ls-tree',
        '-r',
        'bump',
        '--',
        'apps',
      ]);
      expect(stdout.toString()).toMatch(/100755 blob \w+\tapps\/b\.yaml/);
      expect(await gitlab.branchSha(PROJECT, 'bump')).toBe(res.body.id);
    });

    it.each([
      [
        'update of a missing file',
        { action: 'update', file_path: 'apps/missing.yaml', content: 'x' },
        "A file with this name doesn't exist",
      ],
      [
        'create of an existing file',
        { action: 'create', file_path: 'apps/a.yaml', content: 'x' },
        'A file with this name already exists',
      ],
      [
        'a path with ..',
        { action: 'create', file_path: 'apps/../x.yaml', content: 'x' },
        'Invalid path',
      ],
    ])('answers 400 for %s and moves nothing', async (_, action, message) => {
      const before = await gitlab.branchSha(PROJECT, 'main');
      expect(
        await api('POST', `/projects/${ID}/repository/commits`, {
          branch: 'main',
          commit_message: 'x',
          actions: [action],
        }),
      ).toMatchObject({ status: 400, body: { message } });
      expect(await gitlab.branchSha(PROJECT, 'main')).toBe(before);
    });

    it('refuses start_sha onto an existing branch unless forced', async () => {
      const body = {
        branch: 'main',
        start_sha: initial,
        commit_message: 'x',
        actions: [
          { action: 'update', file_path: 'README.md', content: '# x\n' },
        ],
      };
      expect(
        await api('POST', `/projects/${ID}/repository/commits`, body),
      ).toMatchObject({
        status: 400,
        body: {
          message:
            "A branch called 'main' already exists. Switch to that branch in order to make changes",
        },
      });
      expect(
        await api('POST', `/projects/${ID}/repository/commits`, {
          ...body,
          branch: 'bump2',
        }),
      ).toMatchObject({ status: 201 });
      const forced = await api('POST', `/projects/${ID}/repository/commits`, {
        ...body,
        branch: 'bump2',
        force: true,
      });
      expect(forced).toMatchObject({
        status: 201,
        body: { parent_ids: [initial] },
      });
    });

    it('commits onto the branch head when no start is given, and 400s an unknown branch', async () => {
      const head = await gitlab.branchSha(PROJECT, 'main');
      const res = await api('POST', `/projects/${ID}/repository/commits`, {
        branch: 'main',
        commit_message: 'Readme',
        actions: [
          { action: 'update', file_path: 'README.md', content: '# deploy 2\n' },
        ],
      });
      expect(res.body.parent_ids).toEqual([head]);
      expect(
        await api('POST', `/projects/${ID}/repository/commits`, {
          branch: 'nope',
          commit_message: 'x',
          actions: [{ action: 'update', file_path: 'README.md', content: 'x' }],
        }),
      ).toMatchObject({
        status: 400,
        body: {
          message: 'You can only create or edit files when you are on a branch',
        },
      });
    });

    it('answers 403 on a protected branch', async () => {
      await gitlab.setProtectedBranch(PROJECT, 'main', true);
      try {
        expect(
          await api('POST', `/projects/${ID}/repository/commits`, {
            branch: 'main',
            commit_message: 'x',
            actions: [
              { action: 'update', file_path: 'README.md', content: 'x' },
            ],
          }),
        ).toMatchObject({
          status: 403,
          body: {
            message:
              '403 Forbidden - You are not allowed to push into this branch',
          },
        });
      } finally {
        await gitlab.setProtectedBranch(PROJECT, 'main', false);
      }
    });
  });

  describe('merge requests', () => {
    it('opens one per source and target branch, updates, notes and closes it', async () => {
      await api('POST', `/projects/${ID}/repository/branches`, {
        branch: 'mr/one',
        ref: 'main',
      });
      await gitlab.commitFiles(
        PROJECT,
        'mr/one',
        { 'apps/a.yaml': 'image: a:3\n' },
        { message: 'a 3' },
      );
      const opened = await api('POST', `/projects/${ID}/merge_requests`, {
        source_branch: 'mr/one',
        target_branch: 'main',
        title: 'Bump a',
        description: 'first',
        labels: 'image-automation,deps',
      });
      expect(opened).toMatchObject({
        status: 201,
        body: {
          state: 'opened',
          labels: ['image-automation', 'deps'],
          web_url: `${gitlab.baseUrl}/${PROJECT}/-/merge_requests/${opened.body.iid}`,
        },
      });
      const iid = opened.body.iid;
      expect(
        await api('POST', `/projects/${ID}/merge_requests`, {
          source_branch: 'mr/one',
          target_branch: 'main',
          title: 'again',
        }),
      ).toMatchObject({
        status: 409,
        body: {
          message: [
            `Another open merge request already exists for this source branch: !${iid}`,
          ],
        },
      });
      const found = await api(
        'GET',
        `/projects/${ID}/merge_requests?state=opened&source_branch=mr%2Fone`,
      );
      expect(found.body.map((m: any) => m.iid)).toEqual([iid]);
      await api('PUT', `/projects/${ID}/merge_requests/${iid}`, {
        title: 'Bump a to 3',
        description: 'second',
      });
      expect(
        (
          await api('POST', `/projects/${ID}/merge_requests/${iid}/notes`, {
            body: 'closing',
          })
        ).status,
      ).toBe(201);
      await api('PUT', `/projects/${ID}/merge_requests/${iid}`, {
        state_event: 'close',
      });
      const [mr] = (await gitlab.listMergeRequests(PROJECT)).filter(
        m => m.iid === iid,
      );
      expect(mr).toMatchObject({
        title: 'Bump a to 3',
        description: 'second',
        state: 'closed',
        notes: ['closing'],
      });
      expect(
        await api('GET', `/projects/${ID}/merge_requests/999`),
      ).toMatchObject({
        status: 404,
        body: { message: '404 Not found' },
      });
    });

    it('refuses a missing source branch and closes merge requests whose source branch is deleted', async () => {
      expect(
        (
          await api('POST', `/projects/${ID}/merge_requests`, {
            source_branch: 'nope',
            target_branch: 'main',
            title: 't',
          })
        ).status,
      ).toBe(400);
      await api('POST', `/projects/${ID}/repository/branches`, {
        branch: 'mr/two',
        ref: 'main',
      });
      await gitlab.commitFiles(
        PROJECT,
        'mr/two',
        { 'apps/b.yaml': 'image: b:3\n' },
        { message: 'b 3' },
      );
      const { body } = await api('POST', `/projects/${ID}/merge_requests`, {
        source_branch: 'mr/two',
        target_branch: 'main',
        title: 'Bump b',
      });
      expect(
        (
          await api(
            'DELETE',
            `/projects/${ID}/repository/branches/${encodeURIComponent(
              'mr/two',
            )}`,
          )
        ).status,
      ).toBe(204);
      expect(
        (await api('GET', `/projects/${ID}/merge_requests/${body.iid}`)).body
          .state,
      ).toBe('closed');
    });

    it('marks a merge request merged when a person merges it', async () => {
      await api('POST', `/projects/${ID}/repository/branches`, {
        branch: 'mr/three',
        ref: 'main',
      });
      await gitlab.commitFiles(
        PROJECT,
        'mr/three',
        { 'apps/c2.yaml': 'image: c:3\n' },
        { message: 'c' },
      );
      const { body } = await api('POST', `/projects/${ID}/merge_requests`, {
        source_branch: 'mr/three',
        target_branch: 'main',
        title: 'c',
      });
      await gitlab.mergeMergeRequest(PROJECT, body.iid);
      expect(
        (await api('GET', `/projects/${ID}/merge_requests/${body.iid}`)).body
          .state,
      ).toBe('merged');
      expect(await gitlab.readFile(PROJECT, 'main', 'apps/c2.yaml')).toBe(
        'image: c:3\n',
      );
    });
  });
});
