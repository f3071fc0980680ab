/**
 * The registry of every read-model projection (DESIGN §9). The runtime runs all of them; the
 * replay folds the same functions; queries.ts reads their keys.
 */
import type { Projection } from './runner/projection.js';
import { balancesProjection } from './models/balances.js';
import { instrumentsProjection } from './models/instruments.js';
import { ledgerProjection } from './models/ledger.js';
import { orderBookProjection } from './models/orderBook.js';
import { ordersProjection } from './models/orders.js';
import { positionsProjection } from './models/positions.js';
import { tradesProjection } from './models/trades.js';
import { usersProjection } from './models/users.js';

export const projections = {
  instruments: instrumentsProjection,
  users: usersProjection,
  balances: balancesProjection,
  ledger: ledgerProjection,
  positions: positionsProjection,
  orders: ordersProjection,
  trades: tradesProjection,
  orderbook: orderBookProjection,
} as const;

export type ProjectionName = keyof typeof projections;

/** Every projection, in a fixed order (the state hash and reports list them so). */
export const allProjections: readonly Projection<any>[] = Object.values(projections);

export { createQueries, type Queries } from './queries.js';
