/**
 * The part of GitHub's public GraphQL schema (https://docs.github.com/graphql) that clients of
 * the emulator use, with GitHub's type, field and argument names, nullability and defaults, so a
 * query valid here is valid on GitHub and a query GitHub rejects is rejected here.
 */
export const SCHEMA_SDL = /* GraphQL */ `
  "An ISO-8601 encoded UTC date string."
  scalar DateTime
  "An ISO-8601 encoded date string. Unlike the DateTime type, GitTimestamp is not converted in UTC."
  scalar GitTimestamp
  "A Git object ID."
  scalar GitObjectID
  "A fully qualified reference name (e.g. refs/heads/master)."
  scalar GitRefname
  "An RFC 3986, RFC 3987, and RFC 6570 (level 4) compliant URI string."
  scalar URI
  "A (potentially binary) string encoded using base64."
  scalar Base64String

  interface Node {
    id: ID!
  }

  interface RepositoryOwner {
    id: ID!
    login: String!
    url: URI!
  }

  interface GitObject {
    abbreviatedOid: String!
    commitUrl: URI!
    id: ID!
    oid: GitObjectID!
    repository: Repository!
  }

  type Query {
    node(id: ID!): Node
    nodes(ids: [ID!]!): [Node]!
    rateLimit(dryRun: Boolean = false): RateLimit
    repository(
      followRenames: Boolean = true
      name: String!
      owner: String!
    ): Repository
    viewer: User!
  }

  type Mutation {
    updateRefs(input: UpdateRefsInput!): UpdateRefsPayload
  }

  type RateLimit {
    cost: Int!
    limit: Int!
    nodeCount: Int!
    remaining: Int!
    resetAt: DateTime!
    used: Int!
  }

  type User implements Node & RepositoryOwner {
    databaseId: Int
    id: ID!
    login: String!
    url: URI!
  }

  enum RepositoryPermission {
    ADMIN
    MAINTAIN
    WRITE
    TRIAGE
    READ
  }

  enum OrderDirection {
    ASC
    DESC
  }

  enum RefOrderField {
    TAG_COMMIT_DATE
    ALPHABETICAL
  }

  input RefOrder {
    direction: OrderDirection!
    field: RefOrderField!
  }

  type Repository implements Node {
    databaseId: Int
    defaultBranchRef: Ref
    "The number of kilobytes this repository occupies on disk."
    diskUsage: Int
    id: ID!
    isArchived: Boolean!
    isPrivate: Boolean!
    name: String!
    nameWithOwner: String!
    object(expression: String, oid: GitObjectID): GitObject
    owner: RepositoryOwner!
    ref(qualifiedName: String!): Ref
    refs(
      after: String
      before: String
      direction: OrderDirection
      first: Int
      last: Int
      orderBy: RefOrder
      query: String
      refPrefix: String!
    ): RefConnection
    url: URI!
    viewerPermission: RepositoryPermission
  }

  type Ref implements Node {
    id: ID!
    name: String!
    prefix: String!
    repository: Repository!
    target: GitObject
  }

  type PageInfo {
    endCursor: String
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
  }

  type RefEdge {
    cursor: String!
    node: Ref
  }

  type RefConnection {
    edges: [RefEdge]
    nodes: [Ref]
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type GitActor {
    date: GitTimestamp
    email: String
    name: String
  }

  type CommitEdge {
    cursor: String!
    node: Commit
  }

  type CommitConnection {
    edges: [CommitEdge]
    nodes: [Commit]
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type CommitHistoryConnection {
    edges: [CommitEdge]
    nodes: [Commit]
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type Commit implements Node & GitObject {
    abbreviatedOid: String!
    authoredDate: DateTime!
    author: GitActor
    commitUrl: URI!
    committedDate: DateTime!
    committer: GitActor
    history(
      after: String
      before: String
      first: Int
      last: Int
      path: String
    ): CommitHistoryConnection!
    id: ID!
    message: String!
    messageBody: String!
    messageHeadline: String!
    oid: GitObjectID!
    parents(
      after: String
      before: String
      first: Int
      last: Int
    ): CommitConnection!
    repository: Repository!
    tree: Tree!
    url: URI!
  }

  type TreeEntry {
    extension: String
    isGenerated: Boolean!
    lineCount: Int
    mode: Int!
    name: String!
    nameRaw: Base64String!
    object: GitObject
    oid: GitObjectID!
    path: String
    pathRaw: Base64String
    repository: Repository!
    size: Int!
    type: String!
  }

  type Tree implements Node & GitObject {
    abbreviatedOid: String!
    commitUrl: URI!
    entries: [TreeEntry!]
    id: ID!
    oid: GitObjectID!
    repository: Repository!
  }

  type Blob implements Node & GitObject {
    abbreviatedOid: String!
    byteSize: Int!
    commitUrl: URI!
    id: ID!
    isBinary: Boolean
    isTruncated: Boolean!
    oid: GitObjectID!
    repository: Repository!
    text: String
  }

  "A ref update"
  input RefUpdate {
    afterOid: GitObjectID!
    beforeOid: GitObjectID
    force: Boolean = false
    name: GitRefname!
  }

  input UpdateRefsInput {
    clientMutationId: String
    refUpdates: [RefUpdate!]!
    repositoryId: ID!
  }

  type UpdateRefsPayload {
    clientMutationId: String
  }
`;
