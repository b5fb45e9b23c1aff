import { execFileSync } from 'node:child_process';
import { GithubEmulator, startGithubEmulator } from './index';
import { Octokit, octokitFor } from './testing/octokit';

const TOKEN = 'ghp_graphql';
const READ_ONLY = 'github_pat_graphql_readonly';
const METADATA_ONLY = 'github_pat_graphql_metadata';
const OWNER = 'acme';
const REPO = 'deploy';
const ZERO = '0000000000000000000000000000000000000000';

const MANIFEST = 'image: ghcr.io/acme/api:1.0.0 # {"$imagepolicy": "api"}\n';

describe('GitHub emulator: GraphQL', () => {
  let emulator: GithubEmulator;
  let octokit: Octokit;
  let headSha: string;

  /** POST /graphql as is: status and body, whatever they are (Octokit's graphql() throws on errors). */
  async function post(body: unknown, token: string | undefined = TOKEN) {
    const response = await fetch(`${emulator.apiBaseUrl}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `bearer ${token}` } : {}),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as any,
    };
  }

  const query = (text: string, variables?: object, token?: string) =>
    post({ query: text, ...(variables ? { variables } : {}) }, token);

  async function repositoryId() {
    const { data } = await octokit.repos.get({ owner: OWNER, repo: REPO });
    return data.node_id;
  }

  const branchSha = (branch: string) =>
    emulator
      .readFile(OWNER, REPO, branch, 'README.md')
      .then(
        async () =>
          (
            await octokit.git
              .getRef({ owner: OWNER, repo: REPO, ref: `heads/${branch}` })
              .catch(() => ({ data: undefined }))
          ).data?.object.sha,
      );

  const updateRefs = (refUpdates: object[], token = TOKEN) =>
    repositoryId().then(id =>
      query(
        `mutation($input: UpdateRefsInput!) { updateRefs(input: $input) { clientMutationId } }`,
        { input: { repositoryId: id, refUpdates, clientMutationId: 'm1' } },
        token,
      ),
    );

  beforeAll(async () => {
    emulator = await startGithubEmulator({
      tokens: [TOKEN, READ_ONLY, METADATA_ONLY],
    });
    octokit = octokitFor(emulator, TOKEN);
    ({ headSha } = await emulator.createRepository(OWNER, REPO, {
      files: {
        'README.md': '# deploy\n',
        'apps/api/deployment.yaml': MANIFEST,
        'apps/api/values.yaml': 'replicas: 2\n',
        'bin/logo.png': '\u0089PNG\r\n\u001a\n\u0000\u0000\u0000',
      },
    }));
    emulator.setTokenPermissions(READ_ONLY, { contents: 'read' });
    emulator.setTokenPermissions(METADATA_ONLY, { metadata: 'read' });
  });

  afterAll(() => emulator.stop());

  describe('reads', () => {
    it('answers repository, default branch and ref as GitHub names them', async () => {
      const { status, body } = await query(`{
        repository(owner: "${OWNER}", name: "${REPO}") {
          id nameWithOwner diskUsage
          defaultBranchRef { name prefix target { oid ... on Commit { tree { oid } } } }
          byShort: ref(qualifiedName: "main") { name target { oid } }
          byFull: ref(qualifiedName: "refs/heads/main") { name }
          missing: ref(qualifiedName: "nope") { name }
        }
      }`);
      const { data: commit } = await octokit.git.getCommit({
        owner: OWNER,
        repo: REPO,
        commit_sha: headSha,
      });
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      expect(body.data.repository).toEqual({
        id: await repositoryId(),
        nameWithOwner: 'acme/deploy',
        diskUsage: expect.any(Number),
        defaultBranchRef: {
          name: 'main',
          prefix: 'refs/heads/',
          target: { oid: headSha, tree: { oid: commit.tree.sha } },
        },
        byShort: { name: 'main', target: { oid: headSha } },
        byFull: { name: 'main' },
        missing: null,
      });
    });

    it('reads many blobs in one call through object(expression:) aliases', async () => {
      emulator.requestLog.length = 0;
      const { body } = await query(`{
        repository(owner: "${OWNER}", name: "${REPO}") {
          a: object(expression: "${headSha}:apps/api/deployment.yaml") { ...blob }
          b: object(expression: "main:apps/api/values.yaml") { ...blob }
          gone: object(expression: "${headSha}:apps/api/missing.yaml") { ...blob }
          bin: object(expression: "${headSha}:bin/logo.png") { ...blob }
        }
        rateLimit { cost }
      }
      fragment blob on GitObject { __typename oid ... on Blob { text byteSize isBinary isTruncated } }`);
      // One request for all four, before anything else is asked.
      expect(emulator.requestLog).toEqual([
        expect.objectContaining({
          method: 'POST',
          path: '/graphql',
          resource: 'graphql',
          cost: 1,
        }),
      ]);
      const blobSha = (
        await octokit.repos.getContent({
          owner: OWNER,
          repo: REPO,
          path: 'apps/api/deployment.yaml',
        })
      ).data as { sha: string };
      expect(body.data.repository.a).toEqual({
        __typename: 'Blob',
        oid: blobSha.sha,
        text: MANIFEST,
        byteSize: Buffer.byteLength(MANIFEST),
        isBinary: false,
        isTruncated: false,
      });
      expect(body.data.repository.b.text).toBe('replicas: 2\n');
      expect(body.data.repository.gone).toBeNull();
      expect(body.data.repository.bin).toMatchObject({
        isBinary: true,
        text: null,
      });
      expect(body.data.rateLimit).toEqual({ cost: 1 });
    });

    it('lists a tree with its entries, and a commit with its parents', async () => {
      const { body } = await query(`{
        repository(owner: "${OWNER}", name: "${REPO}") {
          dir: object(expression: "main:apps/api") {
            __typename
            ... on Tree { entries { name path oid mode type size extension } }
          }
          head: object(oid: "${headSha}") {
            ... on Commit { messageHeadline parents(first: 5) { totalCount } }
          }
        }
      }`);
      expect(body.data.repository.dir.__typename).toBe('Tree');
      expect(body.data.repository.dir.entries).toEqual([
        expect.objectContaining({
          name: 'deployment.yaml',
          path: 'apps/api/deployment.yaml',
          mode: 0o100644,
          type: 'blob',
          size: Buffer.byteLength(MANIFEST),
          extension: '.yaml',
        }),
        expect.objectContaining({ name: 'values.yaml', type: 'blob' }),
      ]);
      expect(body.data.repository.head).toEqual({
        messageHeadline: 'Initial commit',
        parents: { totalCount: 0 },
      });
    });

    it('truncates the text of a large blob and says so', async () => {
      const big = 'x'.repeat(600 * 1024);
      const sha = await emulator.commitFiles(
        OWNER,
        REPO,
        'big',
        { 'big.txt': big },
        { message: 'big file' },
      );
      const { body } = await query(`{
        repository(owner: "${OWNER}", name: "${REPO}") {
          object(expression: "${sha}:big.txt") { ... on Blob { byteSize isTruncated text } }
        }
      }`);
      const blob = body.data.repository.object;
      expect(blob.byteSize).toBe(big.length);
      expect(blob.isTruncated).toBe(true);
      expect(blob.text.length).toBe(512 * 1024);
    });

    it('serves GitHub Enterprise at /api/graphql, and nothing at /api/v3/graphql', async () => {
      const enterprise = new Octokit({
        baseUrl: `${emulator.apiBaseUrl}/api/v3`,
        auth: TOKEN,
      });
      const data: any = await enterprise.graphql(
        `query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { name } }`,
        { owner: OWNER, name: REPO },
      );
      expect(data.repository.name).toBe(REPO);
      const wrong = await fetch(`${emulator.apiBaseUrl}/api/v3/graphql`, {
        method: 'POST',
        headers: { authorization: `bearer ${TOKEN}` },
        body: JSON.stringify({ query: '{ viewer { login } }' }),
      });
      expect(wrong.status).toBe(404);
    });
  });

  describe('rejects what GitHub rejects', () => {
    it('answers 401 without a token and with a wrong one', async () => {
      expect(await query('{ viewer { login } }', undefined, '')).toMatchObject({
        status: 401,
        body: { message: 'This endpoint requires you to be authenticated.' },
      });
      expect(
        await query('{ viewer { login } }', undefined, 'ghp_wrong'),
      ).toMatchObject({ status: 401, body: { message: 'Bad credentials' } });
    });

    it.each([
      ['a syntax error', '{ repository(owner: "a" { id } }'],
      [
        'an unknown field',
        `{ repository(owner: "${OWNER}", name: "${REPO}") { nope } }`,
      ],
      ['a missing argument', `{ repository(owner: "${OWNER}") { id } }`],
      [
        'a wrongly typed variable',
        'query($n: Int!) { repository(owner: "a", name: $n) { id } }',
      ],
    ])('answers 200 with errors and no data for %s', async (_, text) => {
      const { status, body } = await query(text, { n: 1 });
      expect(status).toBe(200);
      expect(body.data).toBeUndefined();
      expect(body.errors).toEqual([
        expect.objectContaining({ message: expect.any(String) }),
      ]);
    });

    it('answers errors for a body without a query and for malformed JSON', async () => {
      expect(await post({ variables: {} })).toMatchObject({
        status: 200,
        body: {
          errors: [
            {
              message:
                'A query attribute must be specified and must be a string.',
            },
          ],
        },
      });
      expect(await post('{not json')).toMatchObject({
        status: 400,
        body: { message: 'Problems parsing JSON' },
      });
    });

    it('answers NOT_FOUND for a repository the token cannot see, with data null', async () => {
      const { status, body } = await query(
        `{ repository(owner: "${OWNER}", name: "secret") { id } }`,
      );
      expect(status).toBe(200);
      expect(body.data).toEqual({ repository: null });
      expect(body.errors).toEqual([
        expect.objectContaining({
          type: 'NOT_FOUND',
          path: ['repository'],
          message:
            "Could not resolve to a Repository with the name 'acme/secret'.",
        }),
      ]);
    });

    it('times out a whole query that touches a slow repository, as GitHub does, and charges it', async () => {
      emulator.injectFaults({ graphqlTimeoutOn: [`${OWNER}/${REPO}`] });
      try {
        const before = emulator.rateLimit(TOKEN, 'graphql').used;
        const { status, body } = await query(
          `{ a: repository(owner: "${OWNER}", name: "${REPO}") { id } rateLimit { cost } }`,
        );
        expect(status).toBe(200);
        expect(body).toEqual({
          data: null,
          errors: [
            {
              message: expect.stringMatching(
                /^Something went wrong while executing your query\. This may be the result of a timeout/,
              ),
            },
          ],
        });
        expect(emulator.rateLimit(TOKEN, 'graphql').used).toBe(before + 1);
        // A query not touching it is answered.
        const other = await query(`{ rateLimit { cost } }`);
        expect(other.body.data).toEqual({ rateLimit: { cost: 1 } });
      } finally {
        emulator.clearFaults();
      }
      const { body } = await query(
        `{ repository(owner: "${OWNER}", name: "${REPO}") { name } }`,
      );
      expect(body.data).toEqual({ repository: { name: REPO } });
    });

    it.each([
      [
        'no first or last',
        'refs(refPrefix: "refs/heads/")',
        'MISSING_PAGINATION_BOUNDARIES',
      ],
      [
        'more than 100',
        'refs(refPrefix: "refs/heads/", first: 101)',
        'EXCESSIVE_PAGINATION',
      ],
    ])('refuses a connection with %s', async (_, field, type) => {
      const { body } = await query(
        `{ repository(owner: "${OWNER}", name: "${REPO}") { ${field} { totalCount } } }`,
      );
      expect(body.data).toBeUndefined();
      expect(body.errors).toEqual([expect.objectContaining({ type })]);
    });

    it('refuses a call asking for more than 500,000 nodes', async () => {
      const { body } = await query(`{
        repository(owner: "${OWNER}", name: "${REPO}") {
          refs(refPrefix: "refs/heads/", first: 100) { nodes { target { ... on Commit {
            history(first: 100) { nodes { parents(first: 51) { totalCount } } }
          } } } }
        }
      }`);
      expect(body.errors).toEqual([
        expect.objectContaining({ type: 'MAX_NODE_LIMIT_EXCEEDED' }),
      ]);
    });

    it('hides contents from a token without contents permission', async () => {
      const { body } = await query(
        `{ repository(owner: "${OWNER}", name: "${REPO}") {
            name object(expression: "main:README.md") { oid }
          } }`,
        undefined,
        METADATA_ONLY,
      );
      expect(body.data).toEqual({ repository: { name: REPO, object: null } });
      expect(body.errors).toEqual([
        expect.objectContaining({
          type: 'FORBIDDEN',
          path: ['repository', 'object'],
          message: 'Resource not accessible by integration',
        }),
      ]);
    });
  });

  describe('cost', () => {
    it('charges what GitHub documents: connection requests over 100, rounded', async () => {
      const { body, headers } = await query(`{
        repository(owner: "${OWNER}", name: "${REPO}") {
          refs(refPrefix: "refs/heads/", first: 100) { nodes { target { ... on Commit {
            history(first: 100) { nodes { parents(first: 40) { totalCount } } }
          } } } }
        }
        rateLimit { cost nodeCount used remaining limit }
      }`);
      // 1 request for the refs, 100 for their histories, 10,000 for the parents: 101 points.
      expect(body.data.rateLimit).toMatchObject({
        cost: 101,
        nodeCount: 100 + 100 * 100 + 100 * 100 * 40,
        limit: 5000,
      });
      expect(headers.get('x-ratelimit-resource')).toBe('graphql');
      expect(Number(headers.get('x-ratelimit-used'))).toBe(
        body.data.rateLimit.used,
      );
    });

    it('does not charge a dry run', async () => {
      const before = emulator.rateLimit(TOKEN, 'graphql').used;
      const { body } = await query(
        '{ rateLimit(dryRun: true) { cost } viewer { login } }',
      );
      expect(body.data.rateLimit.cost).toBe(1);
      expect(emulator.rateLimit(TOKEN, 'graphql').used).toBe(before);
    });
  });

  describe('answers kept between calls', () => {
    const HEADS = `query($o: String!, $n: String!, $b: String!) {
      repository(owner: $o, name: $n) {
        diskUsage
        defaultBranchRef { name target { oid ... on Commit { tree { oid } } } }
        ref(qualifiedName: $b) { target { oid } }
      }
    }`;
    let fresh = 0;

    async function freshRepository() {
      fresh += 1;
      const name = `kept-${fresh}`;
      const { headSha: head } = await emulator.createRepository(OWNER, name, {
        files: { 'README.md': `# ${name}\n` },
      });
      return { name, head };
    }

    async function heads(name: string, branch = 'refs/heads/other') {
      const { body } = await query(HEADS, { o: OWNER, n: name, b: branch });
      expect(body.errors).toBeUndefined();
      const repository = body.data.repository;
      return {
        diskUsage: repository.diskUsage as number,
        main: repository.defaultBranchRef.target.oid as string,
        tree: repository.defaultBranchRef.target.tree.oid as string,
        other: (repository.ref?.target.oid ?? null) as string | null,
      };
    }

    const commitOnMain = (name: string, content: string) =>
      emulator.commitFiles(
        OWNER,
        name,
        'scratch',
        { 'README.md': content },
        { message: content },
      );

    it('sees a head moved over REST, by updateRefs and by a push', async () => {
      const { name, head } = await freshRepository();
      expect((await heads(name)).main).toBe(head);
      expect((await heads(name)).main).toBe(head);

      const byRest = await commitOnMain(name, 'one\n');
      await octokit.git.updateRef({
        owner: OWNER,
        repo: name,
        ref: 'heads/main',
        sha: byRest,
      });
      const afterRest = await heads(name);
      expect(afterRest.main).toBe(byRest);
      const { data: commit } = await octokit.git.getCommit({
        owner: OWNER,
        repo: name,
        commit_sha: byRest,
      });
      expect(afterRest.tree).toBe(commit.tree.sha);

      const byMutation = await commitOnMain(name, 'two\n');
      const { data: repo } = await octokit.repos.get({
        owner: OWNER,
        repo: name,
      });
      const { body } = await query(
        `mutation($input: UpdateRefsInput!) { updateRefs(input: $input) { clientMutationId } }`,
        {
          input: {
            repositoryId: repo.node_id,
            refUpdates: [{ name: 'refs/heads/main', afterOid: byMutation }],
          },
        },
      );
      expect(body.errors).toBeUndefined();
      expect((await heads(name)).main).toBe(byMutation);

      const pushed = await emulator.commitFiles(
        OWNER,
        name,
        'main',
        { 'README.md': 'three\n' },
        { message: 'three' },
      );
      expect((await heads(name)).main).toBe(pushed);
    });

    it('sees a branch that did not exist when it was last asked for', async () => {
      const { name, head } = await freshRepository();
      expect((await heads(name)).other).toBeNull();
      await octokit.git.createRef({
        owner: OWNER,
        repo: name,
        ref: 'refs/heads/other',
        sha: head,
      });
      expect((await heads(name)).other).toBe(head);
      await octokit.git.deleteRef({
        owner: OWNER,
        repo: name,
        ref: 'heads/other',
      });
      expect((await heads(name)).other).toBeNull();
    });

    it('counts the disk usage anew once an object is written, whatever moves', async () => {
      const { name } = await freshRepository();
      const before = (await heads(name)).diskUsage;
      await octokit.git.createBlob({
        owner: OWNER,
        repo: name,
        content: 'a blob no ref reaches\n',
      });
      const after = (await heads(name)).diskUsage;
      expect(after).toBeGreaterThan(before);
      expect((await heads(name)).diskUsage).toBe(after);
      const counted = execFileSync(
        'git',
        [`--git-dir=${emulator.gitDir(OWNER, name)}`, 'count-objects', '-v'],
        { encoding: 'utf8' },
      );
      const kb = (key: string) =>
        Number(new RegExp(`^${key}: (\\d+)$`, 'm').exec(counted)![1]);
      expect(after).toBe(kb('size') + kb('size-pack'));
    });

    it('sees what git run on the handed-out folder writes', async () => {
      const { name, head } = await freshRepository();
      // Handed out once, as a test keeping the folder would: every later write is by hand.
      const gitDir = emulator.gitDir(OWNER, name);
      const git = (...args: string[]) =>
        execFileSync('git', [`--git-dir=${gitDir}`, ...args], {
          encoding: 'utf8',
          env: {
            ...process.env,
            GIT_AUTHOR_NAME: 'A',
            GIT_AUTHOR_EMAIL: 'a@example.com',
            GIT_COMMITTER_NAME: 'A',
            GIT_COMMITTER_EMAIL: 'a@example.com',
          },
        }).trim();
      const before = await heads(name);
      expect(before.main).toBe(head);
      expect(await heads(name)).toEqual(before);
      const next = git('commit-tree', before.tree, '-p', head, '-m', 'by hand');
      const written = await heads(name);
      expect(written.main).toBe(head);
      expect(written.diskUsage).toBeGreaterThan(before.diskUsage);
      git('update-ref', 'refs/heads/main', next, head);
      expect((await heads(name)).main).toBe(next);
    });

    it('checks a query text once, and answers each call with its own variables', async () => {
      const { name: first, head: firstHead } = await freshRepository();
      const { name: second, head: secondHead } = await freshRepository();
      expect((await heads(first)).main).toBe(firstHead);
      expect((await heads(second)).main).toBe(secondHead);
      const invalid = '{ repository(owner: "acme", name: "deploy") { nope } }';
      const once = await query(invalid);
      const twice = await query(invalid);
      expect(once.body.errors).toEqual([
        expect.objectContaining({
          message:
            'Cannot query field "nope" on type "Repository". Did you mean "name"?',
          locations: [{ line: 1, column: 47 }],
        }),
      ]);
      expect(twice.body).toEqual(once.body);
      const unparsable = await query('{ repository(');
      expect((await query('{ repository(')).body).toEqual(unparsable.body);
      expect(unparsable.body.errors).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(/^Syntax Error/),
        }),
      ]);
    });
  });

  describe('updateRefs', () => {
    /** A commit on top of `parent` that no branch points at yet. */
    async function commitOn(parent: string, path: string) {
      const scratch = `scratch-${Math.random().toString(36).slice(2)}`;
      await octokit.git.createRef({
        owner: OWNER,
        repo: REPO,
        ref: `refs/heads/${scratch}`,
        sha: parent,
      });
      return emulator.commitFiles(
        OWNER,
        REPO,
        scratch,
        { [path]: `${scratch}\n` },
        { message: `change ${path}` },
      );
    }

    async function branchAt(name: string, sha: string) {
      await octokit.git.createRef({
        owner: OWNER,
        repo: REPO,
        ref: `refs/heads/${name}`,
        sha,
      });
    }

    it('moves a ref when beforeOid is where it is', async () => {
      await branchAt('cas-ok', headSha);
      const next = await commitOn(headSha, 'a.txt');
      const { body } = await updateRefs([
        { name: 'refs/heads/cas-ok', beforeOid: headSha, afterOid: next },
      ]);
      expect(body).toEqual({
        data: { updateRefs: { clientMutationId: 'm1' } },
      });
      expect(await branchSha('cas-ok')).toBe(next);
    });

    it('moves nothing when beforeOid is stale', async () => {
      const first = await commitOn(headSha, 'b.txt');
      await branchAt('cas-stale', first);
      const next = await commitOn(first, 'c.txt');
      const { body } = await updateRefs([
        { name: 'refs/heads/cas-stale', beforeOid: headSha, afterOid: next },
      ]);
      expect(body.data).toEqual({ updateRefs: null });
      expect(body.errors).toEqual([
        expect.objectContaining({ path: ['updateRefs'] }),
      ]);
      expect(await branchSha('cas-stale')).toBe(first);
    });

    it('creates a ref only if it does not exist when beforeOid is zero', async () => {
      const { body: created } = await updateRefs([
        { name: 'refs/heads/cas-new', beforeOid: ZERO, afterOid: headSha },
      ]);
      expect(created.errors).toBeUndefined();
      expect(await branchSha('cas-new')).toBe(headSha);
      const other = await commitOn(headSha, 'd.txt');
      const { body: again } = await updateRefs([
        { name: 'refs/heads/cas-new', beforeOid: ZERO, afterOid: other },
      ]);
      expect(again.data).toEqual({ updateRefs: null });
      expect(await branchSha('cas-new')).toBe(headSha);
    });

    it('refuses a non-fast-forward unless forced', async () => {
      const ours = await commitOn(headSha, 'e.txt');
      const theirs = await commitOn(headSha, 'f.txt');
      await branchAt('cas-ff', ours);
      const { body: refused } = await updateRefs([
        { name: 'refs/heads/cas-ff', beforeOid: ours, afterOid: theirs },
      ]);
      expect(refused.data).toEqual({ updateRefs: null });
      expect(await branchSha('cas-ff')).toBe(ours);
      const { body: forced } = await updateRefs([
        {
          name: 'refs/heads/cas-ff',
          beforeOid: ours,
          afterOid: theirs,
          force: true,
        },
      ]);
      expect(forced.errors).toBeUndefined();
      expect(await branchSha('cas-ff')).toBe(theirs);
    });

    it('applies all updates or none', async () => {
      await branchAt('cas-one', headSha);
      await branchAt('cas-two', headSha);
      const next = await commitOn(headSha, 'g.txt');
      const stale = await commitOn(headSha, 'h.txt');
      const { body } = await updateRefs([
        { name: 'refs/heads/cas-one', beforeOid: headSha, afterOid: next },
        { name: 'refs/heads/cas-two', beforeOid: stale, afterOid: next },
      ]);
      expect(body.data).toEqual({ updateRefs: null });
      expect(await branchSha('cas-one')).toBe(headSha);
      expect(await branchSha('cas-two')).toBe(headSha);
    });

    it('deletes a ref with a zero afterOid and closes its open pull request', async () => {
      const head = await commitOn(headSha, 'i.txt');
      await branchAt('cas-delete', head);
      const { data: pull } = await octokit.pulls.create({
        owner: OWNER,
        repo: REPO,
        head: 'cas-delete',
        base: 'main',
        title: 'delete me',
      });
      const { body } = await updateRefs([
        { name: 'refs/heads/cas-delete', beforeOid: head, afterOid: ZERO },
      ]);
      expect(body.errors).toBeUndefined();
      expect(await branchSha('cas-delete')).toBeUndefined();
      const { data: closed } = await octokit.pulls.get({
        owner: OWNER,
        repo: REPO,
        pull_number: pull.number,
      });
      expect(closed).toMatchObject({ state: 'closed', merged: false });
      expect(closed.head.sha).toBe(head);
    });

    it.each([
      ['a protected branch', 'refs/heads/protected', 'PROTECTED'],
      ['a ref name that is not fully qualified', 'heads/main', undefined],
      ['an object that does not exist', 'refs/heads/cas-ghost', 'f'.repeat(40)],
    ])('refuses %s', async (_, name, after) => {
      await branchAt('protected', headSha).catch(() => undefined);
      emulator.setProtectedBranch(OWNER, REPO, 'protected', true);
      const next = await commitOn(headSha, 'j.txt');
      const afterOid = after && after !== 'PROTECTED' ? after : next;
      const { body } = await updateRefs([{ name, afterOid }]);
      expect(body.data).toEqual({ updateRefs: null });
      expect(body.errors).toHaveLength(1);
      expect(await branchSha('protected')).toBe(headSha);
    });

    it('needs contents write, and hides repositories the token cannot see', async () => {
      await branchAt('cas-perm', headSha);
      const next = await commitOn(headSha, 'k.txt');
      const { body: forbidden } = await updateRefs(
        [{ name: 'refs/heads/cas-perm', afterOid: next }],
        READ_ONLY,
      );
      expect(forbidden.errors).toEqual([
        expect.objectContaining({ type: 'FORBIDDEN' }),
      ]);
      expect(await branchSha('cas-perm')).toBe(headSha);
      const { body: unknown } = await query(
        `mutation { updateRefs(input: { repositoryId: "R_nope", refUpdates: [{ name: "refs/heads/x", afterOid: "${next}" }] }) { clientMutationId } }`,
      );
      expect(unknown.errors).toEqual([
        expect.objectContaining({ type: 'NOT_FOUND' }),
      ]);
    });
  });
});
