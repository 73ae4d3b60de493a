/**
 * The one contract between the UI, the HTTP API, IPC and the core. Each operation declares its
 * input schema (parsed at every edge), its output schema, and how it maps onto REST. The HTTP
 * routes, the Electron IPC handlers, the preload bridge and the renderer's client are all derived
 * from this table.
 */
import { z } from 'zod';
import type { OperationName } from './operation-names';
import {
  productCreateInput,
  productGetInput,
  productListInput,
  productPageSchema,
  productSchema,
  productUpdateInput,
} from './schemas/product';
import {
  adjustInput,
  countInput,
  movementListInput,
  movementPageSchema,
  receiveInput,
  reservationActionInput,
  reservationListInput,
  reservationResultSchema,
  reservationSchema,
  reserveInput,
  returnInput,
  stockGetInput,
  stockResultSchema,
  stockSnapshotSchema,
  transferInput,
} from './schemas/stock';
import { locationCreateInput, locationSchema } from './schemas/location';
import { changePageSchema, changesInput } from './schemas/changes';
import { settingsInput, settingsSchema } from './schemas/settings';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT';

export type OperationSpec = {
  method: HttpMethod;
  /** Path below /api/v1; `:name` segments are taken from the input field of that name. */
  path: string;
  input: z.ZodType;
  output: z.ZodType;
  /** HTTP status on success; 200 unless stated. */
  status?: number;
  summary: string;
};

export const contract = {
  'products.list': {
    method: 'GET',
    path: '/products',
    input: productListInput,
    output: productPageSchema,
    summary: 'List products, optionally filtered by a search on SKU, title or GTIN; paged by cursor.',
  },
  'products.get': {
    method: 'GET',
    path: '/products/:idOrSku',
    input: productGetInput,
    output: productSchema,
    summary: 'One product by UUID or SKU.',
  },
  'products.create': {
    method: 'POST',
    path: '/products',
    input: productCreateInput,
    output: productSchema,
    status: 201,
    summary: 'Create a product.',
  },
  'products.update': {
    method: 'PATCH',
    path: '/products/:idOrSku',
    input: productUpdateInput,
    output: productSchema,
    summary: 'Change some fields of a product.',
  },
  'stock.get': {
    method: 'GET',
    path: '/stock/:sku',
    input: stockGetInput,
    output: stockSnapshotSchema,
    summary: 'On hand, committed, incoming and available stock of a SKU, in total and per location.',
  },
  'stock.receive': {
    method: 'POST',
    path: '/stock/receive',
    input: receiveInput,
    output: stockResultSchema,
    summary: 'Record goods received into a location.',
  },
  'stock.adjust': {
    method: 'POST',
    path: '/stock/adjust',
    input: adjustInput,
    output: stockResultSchema,
    summary: 'Correct on-hand stock up or down, with a reason.',
  },
  'stock.count': {
    method: 'POST',
    path: '/stock/count',
    input: countInput,
    output: stockResultSchema,
    summary: 'Record a stocktake: the counted quantity becomes on hand; the ledger records the difference.',
  },
  'stock.transfer': {
    method: 'POST',
    path: '/stock/transfer',
    input: transferInput,
    output: stockResultSchema,
    summary: 'Move stock from one location to another.',
  },
  'stock.return': {
    method: 'POST',
    path: '/stock/return',
    input: returnInput,
    output: stockResultSchema,
    summary: 'Put returned goods back on hand.',
  },
  'movements.list': {
    method: 'GET',
    path: '/movements',
    input: movementListInput,
    output: movementPageSchema,
    summary: 'The stock ledger, newest first, optionally for one SKU.',
  },
  'reservations.list': {
    method: 'GET',
    path: '/reservations',
    input: reservationListInput,
    output: z.object({ reservations: z.array(reservationSchema) }),
    summary: 'Reservations, newest first, optionally by status or SKU.',
  },
  'reservations.create': {
    method: 'POST',
    path: '/reservations',
    input: reserveInput,
    output: reservationResultSchema,
    status: 201,
    summary: 'Reserve stock for an order; 409 when not enough is available.',
  },
  'reservations.fulfil': {
    method: 'POST',
    path: '/reservations/:id/fulfil',
    input: reservationActionInput,
    output: reservationResultSchema,
    summary: 'Ship a held reservation: it becomes a sale and leaves on-hand stock.',
  },
  'reservations.release': {
    method: 'POST',
    path: '/reservations/:id/release',
    input: reservationActionInput,
    output: reservationResultSchema,
    summary: 'Cancel a held reservation: its units become available again.',
  },
  'locations.list': {
    method: 'GET',
    path: '/locations',
    input: z.strictObject({}),
    output: z.object({ locations: z.array(locationSchema) }),
    summary: 'Stock locations (warehouses, shops).',
  },
  'locations.create': {
    method: 'POST',
    path: '/locations',
    input: locationCreateInput,
    output: locationSchema,
    status: 201,
    summary: 'Add a stock location.',
  },
  'changes.list': {
    method: 'GET',
    path: '/changes',
    input: changesInput,
    output: changePageSchema,
    summary: 'Change-log entries after a sequence number, oldest first.',
  },
  'settings.get': {
    method: 'GET',
    path: '/settings',
    input: z.strictObject({}),
    output: settingsSchema,
    summary: 'Shop settings; secrets are never returned.',
  },
  'settings.update': {
    method: 'PUT',
    path: '/settings',
    input: settingsInput,
    output: settingsSchema,
    summary: 'Replace the shop settings (send the whole object as GET returns it).',
  },
} as const satisfies Record<OperationName, OperationSpec>;

type Contract = typeof contract;

/** What a caller sends (before defaults and normalisation). */
export type Input<K extends OperationName> = z.input<Contract[K]['input']>;
/** What a service receives: parsed, normalised, defaults filled in. */
export type ParsedInput<K extends OperationName> = z.output<Contract[K]['input']>;
export type Output<K extends OperationName> = z.output<Contract[K]['output']>;

/** The core's implementation of the contract. */
export type Handlers = { [K in OperationName]: (input: ParsedInput<K>) => Promise<Output<K>> };

/** What the renderer calls, over IPC or HTTP. */
export type Client = { [K in OperationName]: (input: Input<K>) => Promise<Output<K>> };

/** The names of the input fields that fill the path's `:name` segments. */
export function pathParams(spec: OperationSpec): string[] {
  return [...spec.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1] as string);
}

export { OPERATION_NAMES, type OperationName } from './operation-names';
