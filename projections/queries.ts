/**
 * Typed reads of the read models for the GraphQL resolvers (DESIGN §9, §10). Lists are newest
 * first; `first` is capped at MAX_PAGE. Money and decimals are canonical strings. Display values
 * of positions (entry price, uPnL, liquidation price) are computed here at the instrument's
 * current mark with the domain's positionView — never stored, so they are never stale.
 */
import { categoryOf, type AccountCategory } from '../domain/ledger/accounts.js';
import { Decimal, ZERO, canonical, dec } from '../domain/money/decimal.js';
import { INSURANCE_USER_ID, positionView, reservedTotal, type PositionInstrument } from '../domain/position/index.js';
import type { Book, JournalLine } from '../domain/shared/events.js';
import { balanceKeys, splitField } from './models/balances.js';
import { instrumentKeys, INSTRUMENT_FIELDS } from './models/instruments.js';
import { ledgerKeys, type JournalEntryModel } from './models/ledger.js';
import { bookKeys } from './models/orderBook.js';
import { orderKeys, type FillModel, type OrderStatus } from './models/orders.js';
import { parsePositionState, positionKeys } from './models/positions.js';
import { tradeKeys, type TradeModel } from './models/trades.js';
import { userKeys } from './models/users.js';
import { idOfLogOrderMember } from './store/keys.js';
import type { ReadStore, ReadView } from './store/port.js';

export const MAX_PAGE = 1000;
export const DEFAULT_QUOTE_ASSET = 'USDT';

/** A query argument out of range (`first` above the cap or negative, depth < 0). */
export class QueryArgumentError extends Error {
  override name = 'QueryArgumentError';
  constructor(readonly reason: 'PAGE_SIZE' | 'DEPTH', message: string) {
    super(message);
  }
}

export interface BalanceView { asset: string; available: string; frozen: string; total: string }
export interface InstrumentView {
  symbol: string; quoteAsset: string; contractSize: string; tickSize: string; lotSize: string; makerFeeRate: string; takerFeeRate: string;
  initialMarginRate: string; maintenanceMarginRate: string; maxLeverage: number; defaultLeverage: number; marketProtection: string; markPrice: string | null;
}
export interface PositionModelView {
  userId: string; symbol: string; side: 'LONG' | 'SHORT' | 'FLAT'; quantity: string; entryPrice: string | null; entryNotional: string; margin: string;
  leverage: number; reservedToClose: string; realizedPnl: string; unrealizedPnl: string; markPrice: string | null; liquidationPrice: string | null;
}
export interface OrderView {
  id: string; userId: string; clientOrderId: string; symbol: string; side: string; type: string; timeInForce: string; price: string | null;
  quantity: string; filledQuantity: string; averageFillPrice: string | null; status: OrderStatus; intent: string | null; reduceOnly: boolean;
  fee: string; rejectReason: string | null; expireReason: string | null; createdAt: string;
}
export interface LedgerAccountView { account: string; asset: string; category: AccountCategory; balance: string }
export interface BalanceSheetView { accounts: LedgerAccountView[]; balanced: boolean }
export interface BookLevel { price: string; quantity: string }
export interface OrderBookView { symbol: string; bids: BookLevel[]; asks: BookLevel[] }
export interface UserView { userId: string; name: string; apiKeyHash: string; registeredAt: string }
export type { FillModel as FillView, JournalEntryModel as JournalEntryView, TradeModel as TradeView };

function page(first: number | undefined, fallback = 100): number {
  const n = first ?? fallback;
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_PAGE) throw new QueryArgumentError('PAGE_SIZE', `first must be an integer from 0 to ${MAX_PAGE}, got ${String(first)}`);
  return n;
}

const nullable = (value: string | undefined): string | null => (value === undefined || value === '' ? null : value);

export function createQueries(store: ReadStore) {
  const view = (projection: string): Promise<ReadView | null> => store.view(projection);

  async function instrumentOf(v: ReadView | null, symbol: string): Promise<InstrumentView | null> {
    if (!v) return null;
    const h = await v.hgetall(instrumentKeys.instrument(symbol));
    if (h.symbol === undefined) return null;
    const out = {} as Record<string, unknown>;
    for (const name of INSTRUMENT_FIELDS) out[name] = name === 'maxLeverage' || name === 'defaultLeverage' ? Number(h[name]) : h[name];
    out.markPrice = nullable(h.markPrice);
    return out as unknown as InstrumentView;
  }

  /** newest-first members of one sorted set, optionally filtered, at most `n` */
  async function newest<T>(v: ReadView, key: string, n: number, decode: (member: string) => T, keep: (item: T) => boolean = () => true): Promise<T[]> {
    const out: T[] = [];
    const chunk = Math.max(n, 100);
    for (let start = 0; out.length < n; start += chunk) {
      const members = await v.zrevrange(key, start, start + chunk - 1);
      for (const m of members) {
        const item = decode(m);
        if (keep(item)) out.push(item);
        if (out.length === n) break;
      }
      if (members.length < chunk) break;
    }
    return out;
  }

  async function positionOf(v: ReadView, instruments: ReadView | null, userId: string, symbol: string): Promise<PositionModelView | null> {
    const json = await v.hget(positionKeys.position(userId, symbol), 'state');
    if (json === null) return null;
    const state = parsePositionState(json);
    const instrument = await instrumentOf(instruments, symbol);
    if (!instrument) return null;
    const mark = instrument.markPrice ?? undefined;
    const pv = positionView(state, instrument as PositionInstrument, mark);
    return {
      userId, symbol, side: pv.side ?? 'FLAT', quantity: pv.qty, entryPrice: pv.entryPrice, entryNotional: pv.entryNotional, margin: pv.margin,
      leverage: pv.leverage, reservedToClose: reservedTotal(state.reservations), realizedPnl: pv.realizedPnl,
      unrealizedPnl: pv.unrealizedPnl ?? '0', markPrice: instrument.markPrice, liquidationPrice: pv.liquidationPrice,
    };
  }

  async function positionsOf(userId: string, includeFlat: boolean): Promise<PositionModelView[]> {
    const v = await view('positions');
    if (!v) return [];
    const instruments = await view('instruments');
    const out: PositionModelView[] = [];
    for (const symbol of await v.smembers(positionKeys.symbolsOf(userId))) {
      const p = await positionOf(v, instruments, userId, symbol);
      if (p && (includeFlat || p.side !== 'FLAT')) out.push(p);
    }
    return out;
  }

  function orderFrom(h: Record<string, string>): OrderView | null {
    if (h.id === undefined) return null;
    return {
      id: h.id, userId: h.userId!, clientOrderId: h.clientOrderId!, symbol: h.symbol!, side: h.side!, type: h.type!, timeInForce: h.timeInForce!,
      price: nullable(h.price), quantity: h.quantity!, filledQuantity: h.filledQuantity!, averageFillPrice: nullable(h.averageFillPrice),
      status: h.status as OrderStatus, intent: nullable(h.intent), reduceOnly: h.reduceOnly === 'true', fee: h.fee!,
      rejectReason: nullable(h.rejectReason), expireReason: nullable(h.expireReason), createdAt: h.createdAt!,
    };
  }

  async function sheet(v: ReadView | null, key: string, book: Book): Promise<BalanceSheetView> {
    if (!v) return { accounts: [], balanced: true };
    const accounts: LedgerAccountView[] = [];
    const sides = new Map<string, { debit: Decimal; credit: Decimal }>();
    for (const [name, balance] of Object.entries(await v.hgetall(key))) {
      const bar = name.indexOf('|');
      const asset = name.slice(0, bar);
      const account = name.slice(bar + 1);
      const category = categoryOf(book, account);
      if (category === undefined) continue;
      accounts.push({ account, asset, category, balance });
      const s = sides.get(asset) ?? { debit: ZERO, credit: ZERO };
      if (category === 'ASSET' || category === 'EXPENSE') s.debit = s.debit.plus(dec(balance));
      else s.credit = s.credit.plus(dec(balance));
      sides.set(asset, s);
    }
    accounts.sort((a, b) => (a.asset < b.asset ? -1 : a.asset > b.asset ? 1 : a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
    return { accounts, balanced: [...sides.values()].every((s) => s.debit.equals(s.credit)) };
  }

  return {
    async getBalances(userId: string): Promise<BalanceView[]> {
      const v = await view('balances');
      if (!v) return [];
      const byAsset = new Map<string, { available: string; frozen: string }>();
      for (const [name, value] of Object.entries(await v.hgetall(balanceKeys.balance(userId)))) {
        const [kind, asset] = splitField(name);
        const b = byAsset.get(asset) ?? { available: '0', frozen: '0' };
        b[kind] = value;
        byAsset.set(asset, b);
      }
      return [...byAsset.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([asset, b]) => ({ asset, available: b.available, frozen: b.frozen, total: canonical(dec(b.available).plus(b.frozen)) }));
    },

    /** max(0, −available) of the quote asset (DESIGN §5 settlement detail 5) */
    async deficit(userId: string, asset = DEFAULT_QUOTE_ASSET): Promise<string> {
      const v = await view('balances');
      const available = v ? await v.hget(balanceKeys.balance(userId), `available:${asset}`) : null;
      const a = dec(available ?? '0');
      return a.isNegative() ? canonical(a.negated()) : '0';
    },

    /** open positions (flat ones are omitted, DESIGN §5 detail 9) */
    getPositions: (userId: string) => positionsOf(userId, false),
    insurancePositions: () => positionsOf(INSURANCE_USER_ID, false),

    /** one position, flat included (setLeverage answers with it); null when the symbol is unknown */
    async getPosition(userId: string, symbol: string): Promise<PositionModelView | null> {
      const v = await view('positions');
      const instruments = await view('instruments');
      const found = v ? await positionOf(v, instruments, userId, symbol) : null;
      if (found) return found;
      const instrument = await instrumentOf(instruments, symbol);
      if (!instrument) return null;
      return {
        userId, symbol, side: 'FLAT', quantity: '0', entryPrice: null, entryNotional: '0', margin: '0', leverage: instrument.defaultLeverage, reservedToClose: '0',
        realizedPnl: '0', unrealizedPnl: '0', markPrice: instrument.markPrice, liquidationPrice: null,
      };
    },

    async getOrder(orderId: string): Promise<OrderView | null> {
      const v = await view('orders');
      return v ? orderFrom(await v.hgetall(orderKeys.order(orderId))) : null;
    },

    async getOrderByClientId(userId: string, clientOrderId: string): Promise<OrderView | null> {
      const v = await view('orders');
      const orderId = v ? await v.get(orderKeys.byClientId(userId, clientOrderId)) : null;
      return v && orderId ? orderFrom(await v.hgetall(orderKeys.order(orderId))) : null;
    },

    async listOrders(userId: string, options: { status?: readonly OrderStatus[] | null; symbol?: string | null; first?: number } = {}): Promise<OrderView[]> {
      const n = page(options.first);
      const v = await view('orders');
      if (!v || n === 0) return [];
      const symbol = options.symbol ?? null;
      const keys = options.status && options.status.length > 0 ? [...new Set(options.status)].map((s) => orderKeys.byStatus(userId, s)) : [orderKeys.byUser(userId)];
      const collected: Array<{ member: string; order: OrderView }> = [];
      for (const key of keys) {
        const orders = await newest(v, key, n, (m) => m, () => true);
        // the symbol filter needs the order: read in pages until n match
        if (symbol === null) {
          const hashes = await Promise.all(orders.map((m) => v.hgetall(orderKeys.order(idOfLogOrderMember(m)))));
          hashes.forEach((h, i) => { const o = orderFrom(h); if (o) collected.push({ member: orders[i]!, order: o }); });
        } else {
          let found = 0;
          for (let start = 0; found < n; start += n) {
            const members = await v.zrevrange(key, start, start + n - 1);
            for (const m of members) {
              const o = orderFrom(await v.hgetall(orderKeys.order(idOfLogOrderMember(m))));
              if (o && o.symbol === symbol && found < n) { collected.push({ member: m, order: o }); found += 1; }
            }
            if (members.length < n) break;
          }
        }
      }
      collected.sort((a, b) => (a.member < b.member ? 1 : a.member > b.member ? -1 : 0));
      return collected.slice(0, n).map((c) => c.order);
    },

    async listFills(userId: string, options: { symbol?: string | null; first?: number } = {}): Promise<FillModel[]> {
      const n = page(options.first);
      const v = await view('orders');
      if (!v || n === 0) return [];
      const symbol = options.symbol ?? null;
      return newest(v, orderKeys.fills(userId), n, (m) => JSON.parse(idOfLogOrderMember(m)) as FillModel, (f) => symbol === null || f.symbol === symbol);
    },

    async listUserJournal(userId: string, first?: number): Promise<JournalEntryModel[]> {
      const n = page(first);
      const v = await view('ledger');
      if (!v || n === 0) return [];
      return newest(v, ledgerKeys.userJournal(userId), n, (m) => JSON.parse(idOfLogOrderMember(m)) as JournalEntryModel);
    },

    async listPlatformJournal(first?: number): Promise<JournalEntryModel[]> {
      const n = page(first);
      const v = await view('ledger');
      if (!v || n === 0) return [];
      return newest(v, ledgerKeys.platformJournal, n, (m) => JSON.parse(idOfLogOrderMember(m)) as JournalEntryModel);
    },

    /** a user's book, or the platform book with 'platform' */
    async balanceSheet(owner: string | 'platform'): Promise<BalanceSheetView> {
      const v = await view('ledger');
      return owner === 'platform' ? sheet(v, ledgerKeys.platformAccounts, 'PLATFORM') : sheet(v, ledgerKeys.userAccounts(owner), 'USER');
    },

    async getOrderBook(symbol: string, depth = 20): Promise<OrderBookView> {
      if (!Number.isSafeInteger(depth) || depth < 0 || depth > MAX_PAGE) throw new QueryArgumentError('DEPTH', `depth must be an integer from 0 to ${MAX_PAGE}, got ${depth}`);
      const v = await view('orderbook');
      const levels = async (side: 'BUY' | 'SELL'): Promise<BookLevel[]> => {
        if (!v) return [];
        const rows = Object.entries(await v.hgetall(bookKeys.depth(symbol, side))).map(([price, quantity]) => ({ price, quantity, p: dec(price) }));
        rows.sort((a, b) => (side === 'BUY' ? b.p.comparedTo(a.p) : a.p.comparedTo(b.p)));
        return rows.slice(0, depth).map(({ price, quantity }) => ({ price, quantity }));
      };
      return { symbol, bids: await levels('BUY'), asks: await levels('SELL') };
    },

    async listTrades(symbol: string, first?: number): Promise<TradeModel[]> {
      const n = page(first);
      const v = await view('trades');
      if (!v || n === 0) return [];
      return (await v.zrevrange(tradeKeys.trades(symbol), 0, n - 1)).map((m) => JSON.parse(m) as TradeModel);
    },

    async listInstruments(): Promise<InstrumentView[]> {
      const v = await view('instruments');
      if (!v) return [];
      const out: InstrumentView[] = [];
      for (const symbol of await v.smembers(instrumentKeys.symbols)) {
        const i = await instrumentOf(v, symbol);
        if (i) out.push(i);
      }
      return out;
    },

    getInstrument: async (symbol: string): Promise<InstrumentView | null> => instrumentOf(await view('instruments'), symbol),

    async getUserByKeyHash(apiKeyHash: string): Promise<UserView | null> {
      const v = await view('users');
      const userId = v ? await v.get(userKeys.byKeyHash(apiKeyHash)) : null;
      return v && userId ? userOf(await v.hgetall(userKeys.user(userId))) : null;
    },

    async getUser(userId: string): Promise<UserView | null> {
      const v = await view('users');
      return v ? userOf(await v.hgetall(userKeys.user(userId))) : null;
    },
  };
}

function userOf(h: Record<string, string>): UserView | null {
  return h.userId === undefined ? null : { userId: h.userId, name: h.name!, apiKeyHash: h.apiKeyHash!, registeredAt: h.registeredAt! };
}

export type Queries = ReturnType<typeof createQueries>;
export type { JournalLine };
