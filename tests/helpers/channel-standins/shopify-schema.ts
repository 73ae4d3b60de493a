/**
 * The subset of Shopify's Admin GraphQL schema (version 2026-10) that Stockfeed reads and writes,
 * written as SDL so real queries parse and validate against it: a field Stockfeed misspells, or one
 * Shopify does not have, fails here as it would there.
 *
 * Types and fields follow the reference pages of 2026-10 (shopify.dev/docs/api/admin-graphql/2026-10):
 * QueryRoot.locations / productVariants / inventoryItems / nodes, ProductVariant, InventoryItem,
 * InventoryLevel.quantities(names:), InventorySetQuantitiesInput, InventoryQuantityInput (with
 * `changeFromQuantity: Int`, nullable in the schema but required at run time since 2026-04; the
 * 2026-04 changelog "Making changeFromQuantity field required" removed `compareQuantity` and
 * `ignoreCompareQuantity`), InventorySetQuantitiesPayload, InventoryAdjustmentGroup, InventoryChange
 * and the InventorySetQuantitiesUserErrorCode enum. `@idempotent(key:)` is declared on FIELD as the
 * "Idempotent requests" page uses it (its SDL is not published; this is inferred from the usage).
 * Only the fields listed here exist in the stand-in; the real types have many more.
 */
import { buildSchema, type GraphQLSchema } from 'graphql';

export const SHOPIFY_API_VERSION = '2026-10';

const SDL = /* GraphQL */ `
  schema {
    query: QueryRoot
    mutation: Mutation
  }

  directive @idempotent(key: String!) on FIELD

  scalar DateTime

  interface Node {
    id: ID!
  }

  interface DisplayableError {
    field: [String!]
    message: String!
  }

  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  type Location implements Node {
    id: ID!
    name: String!
    isActive: Boolean!
    fulfillsOnlineOrders: Boolean!
    inventoryLevel(inventoryItemId: ID!): InventoryLevel
  }

  type LocationEdge {
    cursor: String!
    node: Location!
  }

  type LocationConnection {
    edges: [LocationEdge!]!
    nodes: [Location!]!
    pageInfo: PageInfo!
  }

  type Product implements Node {
    id: ID!
    title: String!
    handle: String!
    status: ProductStatus!
  }

  enum ProductStatus {
    ACTIVE
    ARCHIVED
    DRAFT
    UNLISTED
  }

  type ProductVariant implements Node {
    id: ID!
    sku: String
    title: String!
    displayName: String!
    legacyResourceId: String!
    inventoryQuantity: Int
    product: Product!
    inventoryItem: InventoryItem!
    updatedAt: DateTime!
  }

  type ProductVariantEdge {
    cursor: String!
    node: ProductVariant!
  }

  type ProductVariantConnection {
    edges: [ProductVariantEdge!]!
    nodes: [ProductVariant!]!
    pageInfo: PageInfo!
  }

  enum ProductVariantSortKeys {
    ID
    SKU
    TITLE
  }

  type InventoryItem implements Node {
    id: ID!
    sku: String
    tracked: Boolean!
    legacyResourceId: String!
    variant: ProductVariant!
    inventoryLevel(locationId: ID!): InventoryLevel
    inventoryLevels(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, query: String): InventoryLevelConnection!
    updatedAt: DateTime!
  }

  type InventoryItemEdge {
    cursor: String!
    node: InventoryItem!
  }

  type InventoryItemConnection {
    edges: [InventoryItemEdge!]!
    nodes: [InventoryItem!]!
    pageInfo: PageInfo!
  }

  type InventoryLevel implements Node {
    id: ID!
    item: InventoryItem!
    location: Location!
    quantities(names: [String!]!): [InventoryQuantity!]!
    updatedAt: DateTime!
  }

  type InventoryLevelEdge {
    cursor: String!
    node: InventoryLevel!
  }

  type InventoryLevelConnection {
    edges: [InventoryLevelEdge!]!
    nodes: [InventoryLevel!]!
    pageInfo: PageInfo!
  }

  type InventoryQuantity implements Node {
    id: ID!
    name: String!
    quantity: Int!
    updatedAt: DateTime
  }

  type QueryRoot {
    locations(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, query: String, includeInactive: Boolean = false, includeLegacy: Boolean = false): LocationConnection!
    location(id: ID): Location
    productVariants(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, sortKey: ProductVariantSortKeys = ID, query: String): ProductVariantConnection!
    productVariant(id: ID!): ProductVariant
    inventoryItems(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, query: String): InventoryItemConnection!
    inventoryItem(id: ID!): InventoryItem
    node(id: ID!): Node
    nodes(ids: [ID!]!): [Node]!
  }

  input InventoryQuantityInput {
    inventoryItemId: ID!
    locationId: ID!
    quantity: Int!
    changeFromQuantity: Int
  }

  input InventorySetQuantitiesInput {
    name: String!
    reason: String!
    referenceDocumentUri: String
    quantities: [InventoryQuantityInput!]!
  }

  enum InventorySetQuantitiesUserErrorCode {
    CHANGE_FROM_QUANTITY_STALE
    COMPARE_QUANTITY_REQUIRED
    COMPARE_QUANTITY_STALE
    IDEMPOTENCY_CONCURRENT_REQUEST
    IDEMPOTENCY_KEY_PARAMETER_MISMATCH
    IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED
    INVALID_INVENTORY_ITEM
    INVALID_LOCATION
    INVALID_NAME
    INVALID_QUANTITY_NEGATIVE
    INVALID_QUANTITY_TOO_HIGH
    INVALID_QUANTITY_TOO_LOW
    INVALID_REASON
    INVALID_REFERENCE_DOCUMENT
    ITEM_NOT_STOCKED_AT_LOCATION
    NON_MUTABLE_INVENTORY_ITEM
    NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR
  }

  type InventorySetQuantitiesUserError implements DisplayableError {
    code: InventorySetQuantitiesUserErrorCode
    field: [String!]
    message: String!
  }

  type InventoryChange {
    name: String!
    delta: Int!
    quantityAfterChange: Int
    item: InventoryItem
    location: Location
    ledgerDocumentUri: String
  }

  type InventoryAdjustmentGroup implements Node {
    id: ID!
    createdAt: DateTime!
    reason: String!
    referenceDocumentUri: String
    changes(inventoryItemIds: [ID!], locationIds: [ID!], quantityNames: [String!]): [InventoryChange!]!
  }

  type InventorySetQuantitiesPayload {
    inventoryAdjustmentGroup: InventoryAdjustmentGroup
    userErrors: [InventorySetQuantitiesUserError!]!
  }

  type Mutation {
    inventorySetQuantities(input: InventorySetQuantitiesInput!): InventorySetQuantitiesPayload
  }
`;

let built: GraphQLSchema | null = null;

/** The executable schema (built once; resolvers come from the root value and the objects themselves). */
export function shopifySchema(): GraphQLSchema {
  built ??= buildSchema(SDL);
  return built;
}
