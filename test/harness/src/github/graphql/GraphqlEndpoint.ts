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
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return errorsOnly(before, [formatError(error as GraphQLError)]);
  }
  const invalid = validate(schema, document);
  if (invalid.length > 0) {
    return errorsOnly(before, invalid.map(formatError));
  }
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
