/**
 * Shopify's calculated query cost and the leaky bucket that spends it, after "GraphQL Admin API rate
 * limits" (shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits, read for 2026-10) and "Shopify
 * API limits" (shopify.dev/docs/api/usage/limits):
 *  - scalar and enum fields cost 0, an object 1, a connection 2 + first (or last) × the cost of one
 *    node, a mutation 10; a query is charged its requested cost up front and refunded down to its
 *    actual cost (connections counted by the nodes really returned) afterwards;
 *  - a query whose requested cost is above 1,000 is refused (MAX_COST_EXCEEDED) before it runs;
 *  - the bucket restores continuously; the Standard plan restores 100 points/second.
 * Simplified here: interfaces and unions add their fragments' costs instead of taking the maximum,
 * lists of objects that are not connections cost one object per element of their first list
 * argument (`nodes(ids:)`, `quantities(names:)`) or one object, and the mutation's own selection
 * is free. The bucket size for Standard is not stated on the current page (the older 1,000 bucket /
 * 50 per second pairing is gone); the default here keeps the old 20-seconds-of-restore ratio: 2,000.
 */
import {
  getArgumentValues,
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isListType,
  getNullableType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

export const SINGLE_QUERY_MAX_COST = 1000;
export const MUTATION_COST = 10;

export type ThrottleStatus = { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };

export type Bucket = {
  maximumAvailable: number;
  restoreRate: number;
  /** The points available now (restored since the last call). */
  available(): number;
  /** Takes `cost` if the bucket holds it; false (nothing taken) otherwise. */
  take(cost: number): boolean;
  refund(points: number): void;
  /** Sets the points available now (a test draining or filling the bucket). */
  set(points: number): void;
  status(): ThrottleStatus;
};

export function createBucket(maximumAvailable: number, restoreRate: number, now: () => number = Date.now): Bucket {
  let points = maximumAvailable;
  let at = now();
  const restore = () => {
    const t = now();
    points = Math.min(bucket.maximumAvailable, points + ((t - at) / 1000) * bucket.restoreRate);
    at = t;
  };
  const bucket: Bucket = {
    maximumAvailable,
    restoreRate,
    available() {
      restore();
      return points;
    },
    take(cost) {
      restore();
      if (points < cost) return false;
      points -= cost;
      return true;
    },
    refund(p) {
      restore();
      points = Math.min(bucket.maximumAvailable, points + p);
    },
    set(p) {
      restore();
      points = Math.max(0, Math.min(bucket.maximumAvailable, p));
    },
    status() {
      restore();
      return { maximumAvailable: bucket.maximumAvailable, currentlyAvailable: Math.floor(points), restoreRate: bucket.restoreRate };
    },
  };
  return bucket;
}

type Walk = {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
};

/** The fields selected in a selection set, fragments flattened (a simplification, see above). */
function fieldsOf(selectionSet: SelectionSetNode | undefined, walk: Walk): FieldNode[] {
  if (!selectionSet) return [];
  const out: FieldNode[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) out.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) out.push(...fieldsOf(selection.selectionSet, walk));
    else {
      const fragment = walk.fragments.get(selection.name.value);
      if (fragment) out.push(...fieldsOf(fragment.selectionSet, walk));
    }
  }
  return out;
}

/** The composite type a field of `parent` returns, and how many elements its arguments ask for. */
function fieldInfo(parent: GraphQLCompositeType, field: FieldNode, walk: Walk) {
  if (!isObjectType(parent) && !isInterfaceType(parent)) return null;
  const def = parent.getFields()[field.name.value];
  if (!def) return null;
  const named = getNamedType(def.type);
  const args = getArgumentValues(def, field, walk.variables) as Record<string, unknown>;
  const firstList = Object.values(args).find((v): v is unknown[] => Array.isArray(v));
  const page = typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : 0;
  const isConnection = named.name.endsWith('Connection');
  const isList = isListType(getNullableType(def.type));
  return { named, isConnection, page, listSize: isList ? (firstList?.length ?? 1) : 1 };
}

/** The node selection of a connection: `nodes { … }` and `edges { node { … } }` together. */
function nodeSelection(field: FieldNode, walk: Walk): FieldNode[] {
  const out: FieldNode[] = [];
  for (const child of fieldsOf(field.selectionSet, walk)) {
    if (child.name.value === 'nodes') out.push(...fieldsOf(child.selectionSet, walk));
    if (child.name.value === 'edges') for (const e of fieldsOf(child.selectionSet, walk)) if (e.name.value === 'node') out.push(...fieldsOf(e.selectionSet, walk));
  }
  return out;
}

function connectionNodeType(named: GraphQLCompositeType, walk: Walk): GraphQLCompositeType | null {
  if (!isObjectType(named)) return null;
  const nodes = named.getFields().nodes;
  const type = nodes ? getNamedType(nodes.type) : null;
  return type && isCompositeType(type) ? (walk.schema.getType(type.name) as GraphQLCompositeType) : null;
}

function requested(fields: FieldNode[], parent: GraphQLCompositeType, walk: Walk): number {
  let cost = 0;
  for (const field of fields) {
    const info = fieldInfo(parent, field, walk);
    if (!info || !isCompositeType(info.named)) continue;
    if (info.isConnection) {
      const nodeType = connectionNodeType(info.named, walk);
      const perNode = nodeType ? 1 + requested(nodeSelection(field, walk), nodeType, walk) : 1;
      cost += 2 + info.page * perNode;
    } else {
      cost += info.listSize * (1 + requested(fieldsOf(field.selectionSet, walk), info.named, walk));
    }
  }
  return cost;
}

function actual(fields: FieldNode[], parent: GraphQLCompositeType, data: unknown, walk: Walk): number {
  if (data === null || typeof data !== 'object') return 0;
  let cost = 0;
  for (const field of fields) {
    const info = fieldInfo(parent, field, walk);
    if (!info || !isCompositeType(info.named)) continue;
    const value = (data as Record<string, unknown>)[field.alias?.value ?? field.name.value];
    if (value === null || value === undefined) continue;
    if (info.isConnection) {
      const nodeType = connectionNodeType(info.named, walk);
      const connection = value as { nodes?: unknown[]; edges?: Array<{ node?: unknown }> };
      const nodes = connection.nodes ?? connection.edges?.map((e) => e.node) ?? [];
      cost += 2;
      for (const node of nodes) cost += 1 + (nodeType ? actual(nodeSelection(field, walk), nodeType, node, walk) : 0);
    } else {
      for (const element of Array.isArray(value) ? value : [value]) {
        if (element !== null) cost += 1 + actual(fieldsOf(field.selectionSet, walk), info.named, element, walk);
      }
    }
  }
  return cost;
}

export type OperationCost = { requested: number; actual(data: unknown): number };

/** The requested cost of the operation, and a function for its actual cost once it has run. */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): OperationCost {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const walk: Walk = { schema, fragments, variables };
  const roots = fieldsOf(operation.selectionSet, walk).filter((f) => !f.name.value.startsWith('__'));
  if (operation.operation === 'mutation') {
    const cost = roots.length * MUTATION_COST;
    return { requested: cost, actual: () => cost };
  }
  const queryType = schema.getQueryType();
  if (!queryType) throw new Error('no query type');
  return {
    requested: requested(roots, queryType, walk),
    actual: (data) => actual(roots, queryType, data, walk),
  };
}
