import {
  buildSchema,
  execute,
  FragmentDefinitionNode,
  getOperationAST,
  GraphQLError,
  GraphQLSchema,
  isInterfaceType,
  isObjectType,
  OperationDefinitionNode,
  parse,
  validate,
  valueFromASTUntyped,
  DocumentNode,
} from 'graphql';
import { TokenGrant } from '../auth';
import { RouteResponse } from '../http/routing';
import { EmulatedRepository } from '../model';
import {
  PrimaryRateLimits,
  Quota,
  RateLimitState,
  rateLimitHeaders,
} from '../ratelimit/PrimaryRateLimits';
import { GithubShapes } from '../shapes';
import { GraphqlContext } from './context';
import { queryCost } from './cost';
import { GRAPHQL_TIMEOUT_MESSAGE } from '../faults';
import { formatError, GithubGraphqlError } from './errors';
import { resolvers } from './resolvers';
import { SCHEMA_SDL } from './schema';

function buildEmulatedSchema(): GraphQLSchema {
  const schema = buildSchema(SCHEMA_SDL);
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    if (isInterfaceType(type)) {
      type.resolveType = fields.__resolveType as any;
    } else if (isObjectType(type)) {
      const defined = type.getFields();
      for (const [fieldName, resolve] of Object.entries(fields)) {
        if (!defined[fieldName]) {
          throw new Error(
            `resolver for unknown field ${typeName}.${fieldName}`,
          );
        }
        defined[fieldName].resolve = resolve;
      }
    } else {
      throw new Error(`resolvers for unknown type ${typeName}`);
    }
  }
  return schema;
}

const schema = buildEmulatedSchema();

export interface GraphqlCall {
  body: any;
  grant: TokenGrant;
  quota: Quota;
  limits: PrimaryRateLimits;
  shapes: GithubShapes;
  findRepository(owner: string, name: string): EmulatedRepository | undefined;
  repositories(): EmulatedRepository[];
  timesOut(fullName: string): boolean;
}

/** What the dispatcher logs about a GraphQL call. */
export interface GraphqlOutcome {
  response: RouteResponse;
  /** Points charged (0 when the call was refused before it ran). */
  cost: number;
}

const answer = (
  state: RateLimitState,
  body: Record<string, unknown>,
  cost = 0,
): GraphqlOutcome => ({
  response: { status: 200, body, headers: rateLimitHeaders(state) },
  cost,
});

const errorsOnly = (state: RateLimitState, errors: unknown[]) =>
  answer(state, { errors });

function fragmentsOf(document: DocumentNode) {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === 'FragmentDefinition') {
      fragments[definition.name.value] = definition;
    }
  }
  return fragments;
}

/** What parsing and validating a query's text gave: its document, or why it is refused. */
type CheckedQuery =
  | { document: DocumentNode; errors?: undefined }
  | { errors: readonly GraphQLError[] };

/**
 * Query texts checked lately. The same text always parses and validates alike against the one
 * schema, and a client asks the same text again and again (variables apart): validating a query
 * naming fifty repositories cost more than answering it. A few are enough (the document of such
 * a query holds about half a MiB): texts with ids written in, asked once, come and go.
 */
const checkedQueries = new Map<string, CheckedQuery>();
const MAX_CHECKED_QUERIES = 16;

function checkQuery(query: string): CheckedQuery {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return { errors: [error as GraphQLError] };
  }
  const invalid = validate(schema, document);
  return invalid.length > 0 ? { errors: invalid } : { document };
}

function checkedQuery(query: string): CheckedQuery {
  let checked = checkedQueries.get(query);
  if (checked) {
    // Least recently used goes first.
    checkedQueries.delete(query);
  } else {
    checked = checkQuery(query);
    if (checkedQueries.size >= MAX_CHECKED_QUERIES) {
      checkedQueries.delete(checkedQueries.keys().next().value!);
    }
  }
  checkedQueries.set(query, checked);
  return checked;
}

/** `rateLimit(dryRun: true)` asks what a call would cost without paying for it. */
function isDryRun(
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): boolean {
  return operation.selectionSet.selections.some(
    selection =>
      selection.kind === 'Field' &&
      selection.name.value === 'rateLimit' &&
      selection.arguments?.some(
        a =>
          a.name.value === 'dryRun' &&
          valueFromASTUntyped(a.value, variables) === true,
      ),
  );
}

/**
 * `POST /graphql`: validates against GitHub's schema, charges the call's points to the caller's
 * GraphQL budget before running it, and answers as GitHub does: 200 with `data` and/or `errors`,
 * also for invalid queries and a spent budget (`type: RATE_LIMITED`).
 */
export async function executeGraphql(
  call: GraphqlCall,
): Promise<GraphqlOutcome> {
  const before = call.limits.state(call.quota, 'graphql');
  const { query, operationName } = call.body ?? {};
  const variables = call.body?.variables ?? {};
  if (typeof query !== 'string') {
    return errorsOnly(before, [
      { message: 'A query attribute must be specified and must be a string.' },
    ]);
  }
  if (typeof variables !== 'object' || Array.isArray(variables)) {
    return errorsOnly(before, [{ message: 'Variables are invalid JSON.' }]);
  }
  const checked = checkedQuery(query);
  if (checked.errors) {
    return errorsOnly(before, checked.errors.map(formatError));
  }
  const { document } = checked;
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) {
    return errorsOnly(before, [
      {
        message: operationName
          ? `No operation named "${operationName}"`
          : 'An operation name is required',
      },
    ]);
  }
  let estimate;
  try {
    estimate = queryCost(schema, operation, fragmentsOf(document), variables);
  } catch (error) {
    if (error instanceof GithubGraphqlError) {
      return errorsOnly(before, [{ type: error.type, message: error.message }]);
    }
    throw error;
  }
  const charged = isDryRun(operation, variables) ? 0 : estimate.cost;
  const after = call.limits.charge(call.quota, 'graphql', charged);
  if (!after) {
    return errorsOnly(before, [
      {
        type: 'RATE_LIMITED',
        message: `API rate limit exceeded for ${call.quota.subject}.`,
      },
    ]);
  }
  const context: GraphqlContext = {
    grant: call.grant,
    shapes: call.shapes,
    findRepository: call.findRepository,
    repositories: call.repositories,
    timesOut: call.timesOut,
    revisions: new Map(),
    rateLimit: () => ({
      cost: estimate.cost,
      nodeCount: estimate.nodeCount,
      limit: after.limit,
      remaining: after.remaining,
      used: after.used,
      // Whole seconds, rounded up as in x-ratelimit-reset: the window has ended by then.
      resetAt: new Date(Math.ceil(after.resetAt / 1000) * 1000)
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
    }),
  };
  const result = await execute({
    schema,
    document,
    variableValues: variables,
    operationName: operationName ?? undefined,
    contextValue: context,
  });
  if (context.timedOut) {
    // The points were spent; nothing of the answer survives.
    return answer(
      after,
      { data: null, errors: [{ message: GRAPHQL_TIMEOUT_MESSAGE }] },
      charged,
    );
  }
  return answer(
    after,
    {
      ...(result.data !== undefined ? { data: result.data } : {}),
      ...(result.errors?.length
        ? { errors: result.errors.map(formatError) }
        : {}),
    },
    charged,
  );
}
