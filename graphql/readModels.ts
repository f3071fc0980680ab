import { QueryArgumentError, type Queries } from '../projections/queries.js';
import { badInput } from './errors.js';
import type { ReadModels } from './ports.js';
import type { BalanceSheetView, FillView, JournalEntryView, OrderView, PositionView, TradeView } from './views.js';

/**
 * The read models (projections/queries.ts) in the contract's shapes. The queries already speak
 * them; this only names the methods as the API's port does and narrows string unions.
 */
export function readModelsFrom(queries: Queries): ReadModels {
  return {
    instruments: () => queries.listInstruments(),
    instrument: (symbol) => queries.getInstrument(symbol),
    async userByApiKeyHash(apiKeyHash) {
      const user = await queries.getUserByKeyHash(apiKeyHash);
      return user ? { userId: user.userId, apiKeyHash: user.apiKeyHash } : null;
    },
    userExists: async (userId) => (await queries.getUser(userId)) !== null,
    balances: (userId) => queries.getBalances(userId),
    positions: async (userId) => (await queries.getPositions(userId)) as PositionView[],
    position: async (userId, symbol) => (await queries.getPosition(userId, symbol)) as PositionView | null,
    insurancePositions: async () => (await queries.insurancePositions()) as PositionView[],
    orders: (userId, filter) => asked(async () => (await queries.listOrders(userId, filter)) as OrderView[]),
    order: async (orderId) => (await queries.getOrder(orderId)) as OrderView | null,
    fills: (userId, filter) => asked(async () => (await queries.listFills(userId, filter)) as FillView[]),
    journal: (userId, first) => asked(async () => (await queries.listUserJournal(userId, first)) as JournalEntryView[]),
    balanceSheet: async (userId) => (await queries.balanceSheet(userId)) as BalanceSheetView,
    deficit: (userId) => queries.deficit(userId),
    platformJournal: (first) => asked(async () => (await queries.listPlatformJournal(first)) as JournalEntryView[]),
    platformBalanceSheet: async () => (await queries.balanceSheet('platform')) as BalanceSheetView,
    orderBook: (symbol, depth) => asked(() => queries.getOrderBook(symbol, depth)),
    trades: (symbol, first) => asked(async () => (await queries.listTrades(symbol, first)) as TradeView[]),
  };
}

async function asked<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof QueryArgumentError) throw badInput('PAGE_SIZE', error.message);
    throw error;
  }
}
