import { buildSchema, graphql } from 'graphql';
import { EmulatedProject } from './model';

/**
 * The corner of GitLab's GraphQL schema the adapter reads through: a project by full path and
 * its repository's `blobs(paths:, ref:)`, a connection of at most 100 blobs per page, `BigInt`
 * sizes encoded as strings, and `rawTextBlob` null for binary data, all as GitLab defines them.
 */
const schema = buildSchema(`
  "Represents non-fractional signed whole numeric values, encoded as a string."
  scalar BigInt

  enum RefType {
    HEADS
    TAGS
  }

  type Query {
    project(fullPath: ID!): Project
  }

  type Project {
    id: ID!
    fullPath: ID!
    name: String!
    webUrl: String
    repository: Repository
  }

  type Repository {
    rootRef: String
    exists: Boolean!
    empty: Boolean!
    blobs(
      paths: [String!]!
      ref: String
      refType: RefType
      after: String
      before: String
      first: Int
      last: Int
    ): RepositoryBlobConnection
  }

  type RepositoryBlobConnection {
    count: Int!
    nodes: [RepositoryBlob]
    edges: [RepositoryBlobEdge]
    pageInfo: PageInfo!
  }

  type RepositoryBlobEdge {
    cursor: String!
    node: RepositoryBlob
  }

  type RepositoryBlob {
    id: ID!
    oid: String!
    path: String!
    name: String
    mode: String
    size: BigInt
    rawSize: BigInt
    rawBlob: String
    rawTextBlob: String
    lfsOid: String
    storedExternally: Boolean
    webPath: String
  }

  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }
`);

const MAX_PAGE_SIZE = 100;

const isBinary = (content: Buffer) => content.subarray(0, 8000).includes(0);

interface BlobArgs {
  paths: string[];
  ref?: string;
  refType?: 'HEADS' | 'TAGS';
  after?: string;
  first?: number;
}

function repositoryResolver(project: EmulatedProject) {
  const { git } = project;
  return {
    rootRef: project.defaultBranch,
    exists: true,
    empty: async () => (await git.listRefs()).length === 0,
    async blobs(args: BlobArgs) {
      const ref =
        args.ref && args.refType
          ? `refs/${args.refType === 'HEADS' ? 'heads' : 'tags'}/${args.ref}`
          : args.ref ?? project.defaultBranch;
      const commit = await git.resolveCommit(ref);
      const found = [];
      if (commit) {
        // One listing for the whole request: a path lookup per blob costs a git process each.
        const tree = (await git.readCommit(commit)).tree;
        const byPath = new Map(
          (await git.readTreeRecursive(tree)).map(e => [e.path, e]),
        );
        for (const path of [...new Set(args.paths)]) {
          const entry = byPath.get(path);
          if (entry?.type === 'blob') found.push({ path, entry });
        }
      }
      const start = args.after
        ? Number(Buffer.from(args.after, 'base64').toString()) + 1
        : 0;
      const size = Math.min(
        MAX_PAGE_SIZE,
        Math.max(1, args.first ?? MAX_PAGE_SIZE),
      );
      const page = found.slice(start, start + size);
      const nodes = page.map(({ path, entry }) => {
        let content: Promise<Buffer> | undefined;
        const bytes = () => (content ??= git.readBlob(entry.sha));
        return {
          id: `gid://gitlab/Blob/${entry.sha}`,
          oid: entry.sha,
          path,
          name: path.split('/').pop(),
          mode: entry.mode,
          size: String(entry.size ?? 0),
          rawSize: String(entry.size ?? 0),
          rawBlob: async () => (await bytes()).toString('utf8'),
          rawTextBlob: async () => {
            const data = await bytes();
            return isBinary(data) ? null : data.toString('utf8');
          },
          lfsOid: null,
          storedExternally: false,
          webPath: `/${project.fullPath}/-/blob/${
            args.ref ?? project.defaultBranch
          }/${path}`,
        };
      });
      const cursor = (i: number) =>
        Buffer.from(String(start + i)).toString('base64');
      return {
        count: found.length,
        nodes,
        edges: nodes.map((node, i) => ({ cursor: cursor(i), node })),
        pageInfo: {
          hasNextPage: start + size < found.length,
          hasPreviousPage: start > 0,
          startCursor: nodes.length ? cursor(0) : null,
          endCursor: nodes.length ? cursor(nodes.length - 1) : null,
        },
      };
    },
  };
}

/** Runs one GraphQL request; `visible` is null for an anonymous caller, who sees no private project. */
export async function executeGraphql(
  body: any,
  findProject: (fullPath: string) => EmulatedProject | undefined,
  webBaseUrl: string,
): Promise<{ status: number; body: unknown }> {
  if (typeof body?.query !== 'string') {
    return {
      status: 400,
      body: { errors: [{ message: 'No query string was present' }] },
    };
  }
  const result = await graphql({
    schema,
    source: body.query,
    variableValues: body.variables ?? undefined,
    operationName: body.operationName ?? undefined,
    rootValue: {
      project: ({ fullPath }: { fullPath: string }) => {
        const project = findProject(fullPath);
        return (
          project && {
            id: `gid://gitlab/Project/${project.id}`,
            fullPath: project.fullPath,
            name: project.name,
            webUrl: `${webBaseUrl}/${project.fullPath}`,
            repository: repositoryResolver(project),
          }
        );
      },
    },
  });
  return { status: 200, body: result };
}
