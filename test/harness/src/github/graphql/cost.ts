import {
  FieldNode,
  FragmentDefinitionNode,
  getNamedType,
  GraphQLCompositeType,
  GraphQLSchema,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  OperationDefinitionNode,
  SelectionSetNode,
  valueFromASTUntyped,
} from 'graphql';
import { GithubGraphqlError } from './errors';

/** GitHub's ceiling on the nodes one call may ask for. */
export const MAX_NODES = 500_000;
const MAX_PAGE = 100;

export interface QueryCost {
  /** Points charged: the requests needed to fill every connection, divided by 100 and rounded, at least 1. */
  cost: number;
  /** The nodes the call may return, assuming every connection comes back full. */
  nodeCount: number;
}

/** One pass over a call's selections, adding up connection requests and nodes. */
class CostWalk {
  requests = 0;
  nodes = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Record<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
  ) {}

  private compositeType(name: string) {
    return this.schema.getType(name) as GraphQLCompositeType | undefined;
  }

  selections(
    selectionSet: SelectionSetNode,
    parentType: GraphQLCompositeType,
    multiplier: number,
    seen: ReadonlySet<string>,
  ): void {
    for (const selection of selectionSet.selections) {
      if (selection.kind === 'Field') {
        this.field(selection, parentType, multiplier, seen);
      } else if (selection.kind === 'InlineFragment') {
        const type = selection.typeCondition
          ? this.compositeType(selection.typeCondition.name.value)
          : parentType;
        if (type)
          this.selections(selection.selectionSet, type, multiplier, seen);
      } else {
        const name = selection.name.value;
        const fragment = this.fragments[name];
        // Validation has already rejected unknown and cyclic spreads; `seen` only guards the walk.
        if (!fragment || seen.has(name)) continue;
        const type = this.compositeType(fragment.typeCondition.name.value);
        if (type) {
          this.selections(
            fragment.selectionSet,
            type,
            multiplier,
            new Set([...seen, name]),
          );
        }
      }
    }
  }

  private field(
    field: FieldNode,
    parentType: GraphQLCompositeType,
    multiplier: number,
    seen: ReadonlySet<string>,
  ): void {
    if (!field.selectionSet) return;
    if (!isObjectType(parentType) && !isInterfaceType(parentType)) return;
    const definition = parentType.getFields()[field.name.value];
    if (!definition) return;
    const type = getNamedType(definition.type);
    if (!isCompositeType(type)) return;
    let next = multiplier;
    if (type.name.endsWith('Connection')) {
      const size = pageSize(field, this.variables);
      this.requests += multiplier;
      next = multiplier * size;
      this.nodes += next;
      if (this.nodes > MAX_NODES) {
        throw new GithubGraphqlError(
          'MAX_NODE_LIMIT_EXCEEDED',
          `By the time this query traverses to the ${field.name.value} connection, it is requesting up to ${this.nodes} possible nodes which exceeds the maximum limit of ${MAX_NODES}.`,
        );
      }
    }
    this.selections(field.selectionSet, type, next, seen);
  }
}

function pageSize(field: FieldNode, variables: Record<string, unknown>) {
  const argument = (name: string) => {
    const node = field.arguments?.find(a => a.name.value === name);
    const value = node ? valueFromASTUntyped(node.value, variables) : undefined;
    return typeof value === 'number' ? value : undefined;
  };
  const connection = field.name.value;
  const first = argument('first');
  const last = argument('last');
  if (first === undefined && last === undefined) {
    throw new GithubGraphqlError(
      'MISSING_PAGINATION_BOUNDARIES',
      `You must provide a \`first\` or \`last\` value to properly paginate the \`${connection}\` connection.`,
    );
  }
  for (const [name, value] of [
    ['first', first],
    ['last', last],
  ] as const) {
    if (value === undefined) continue;
    if (value < 0) {
      throw new GithubGraphqlError(
        'INVALID_PAGINATION',
        `\`${name}\` on the \`${connection}\` connection cannot be less than zero.`,
      );
    }
    if (value > MAX_PAGE) {
      throw new GithubGraphqlError(
        'EXCESSIVE_PAGINATION',
        `Requesting ${value} records on the \`${connection}\` connection exceeds the \`${name}\` limit of ${MAX_PAGE} records.`,
      );
    }
  }
  return Math.max(first ?? 0, last ?? 0);
}

/**
 * Predicts a call's points and nodes the way GitHub documents it
 * (https://docs.github.com/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api):
 * every connection must be bounded by `first` or `last` within 1-100, each connection costs one
 * request per parent node that reaches it, and the sum over 100, rounded, is the cost.
 */
export function queryCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): QueryCost {
  const walk = new CostWalk(schema, fragments, variables);
  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : schema.getQueryType();
  if (root) walk.selections(operation.selectionSet, root, 1, new Set());
  return {
    cost: Math.max(1, Math.round(walk.requests / 100)),
    nodeCount: walk.nodes,
  };
}
