import type { EventStore, RecordedEvent } from '../../eventstore/port.js';
import { accountDecider, type AccountState } from '../../domain/account/index.js';
import type { Instrument } from '../../domain/instrument/types.js';
import { LedgerAuditor, type PositionSnapshot } from '../../domain/ledger/audit.js';
import { canonical, dec, sum } from '../../domain/money/decimal.js';
import { evolve as orderEvolve, initialState as orderInitial, isTerminal } from '../../domain/order/decider.js';
import type { OrderState } from '../../domain/order/types.js';
import { positionDecider, type PositionState } from '../../domain/position/index.js';
import { asDecided } from '../../runtime/aggregates/load.js';

/**
 * Reads the whole log back from the store and audits it (DESIGN §6, §11): every journal entry,
 * both identities, the user-funds sum, open interest and clearing.pnl (the log of an idle system
 * is quiescent), custody, each user's wallet against the ledger, no ended order holding funds or
 * quantity, every idempotency key once per stream, contiguous revisions, each trade leg settled
 * exactly once. The fold is plain evolve, so the replay script can reuse it.
 */
export interface LogFold {
  events: RecordedEvent[];
  positions: Map<string, PositionState>;
  accounts: Map<string, AccountState>;
  orders: Map<string, OrderState>;
  instruments: Map<string, Instrument>;
  auditor: LedgerAuditor;
  problems: string[];
}

export async function foldLog(store: EventStore): Promise<LogFold> {
  const events: RecordedEvent[] = [];
  for await (const event of store.readAll()) events.push(event);
  const positions = new Map<string, PositionState>();
  const accounts = new Map<string, AccountState>();
  const orders = new Map<string, OrderState>();
  const instruments = new Map<string, Instrument>();
  const auditor = new LedgerAuditor();
  const problems: string[] = [];
  const revisions = new Map<string, number>();
  const keys = new Set<string>();
  for (const e of events) {
    const expected = (revisions.get(e.stream) ?? -1) + 1;
    if (e.revision !== expected) problems.push(`REVISION: ${e.stream} revision ${e.revision}, expected ${expected}`);
    revisions.set(e.stream, e.revision);
    // a key answers one request; the matching engine's wal:{entry} key legitimately covers
    // several events of one append (its ids differ by index)
    const key = `${e.stream} ${String(e.metadata.idempotencyKey)} ${e.type}`;
    if (!e.stream.startsWith('market-')) {
      if (keys.has(key)) problems.push(`KEY_TWICE: ${key}`);
      keys.add(key);
    }
    for (const v of auditor.apply({ id: e.id, type: e.type, data: e.data })) problems.push(`${v.rule} ${e.stream}/${e.type}: ${v.detail}`);
    const decided = asDecided(e);
    if (e.stream.startsWith('position-')) positions.set(e.stream, positionDecider.evolve(positions.get(e.stream) ?? positionDecider.initialState(), decided as never));
    else if (e.stream.startsWith('account-')) accounts.set(e.stream, accountDecider.evolve(accounts.get(e.stream) ?? accountDecider.initialState(), decided));
    else if (e.stream.startsWith('order-')) orders.set(e.stream.slice('order-'.length), orderEvolve(orders.get(e.stream.slice('order-'.length)) ?? orderInitial(), decided));
    else if (e.type === 'InstrumentListed') instruments.set((e.data as unknown as Instrument).symbol, e.data as unknown as Instrument);
  }
  return { events, positions, accounts, orders, instruments, auditor, problems };
}

/** Every problem found; an empty list is a clean audit. */
export async function auditLog(store: EventStore): Promise<{ problems: string[]; fold: LogFold }> {
  const fold = await foldLog(store);
  const { positions, accounts, orders, instruments, auditor, events } = fold;
  const problems = [...fold.problems];
  const snapshots: PositionSnapshot[] = [];
  for (const [stream, p] of positions) {
    if (p.side === null || dec(p.qty).isZero() || p.symbol === null) continue;
    const asset = instruments.get(p.symbol)?.quoteAsset ?? 'USDT';
    snapshots.push({ owner: stream, symbol: p.symbol, asset, side: p.side, qty: p.qty, entryNotional: p.entryNotional });
  }
  for (const v of [...auditor.checkAll(), ...auditor.checkQuiescent(snapshots)]) problems.push(`${v.rule}: ${v.detail}`);
  const assets = new Set([...instruments.values()].map((i) => i.quoteAsset));
  for (const asset of assets) {
    const b = (account: string) => auditor.balances.platform(account, asset);
    const expected = b('liability.userFunds').plus(b('revenue.fees')).minus(b('clearing.pnl')).plus(b('equity.insuranceFund'));
    if (!b('custody.wallet').equals(expected)) problems.push(`CUSTODY ${asset}: ${canonical(b('custody.wallet'))} ≠ ${canonical(expected)}`);
  }
  for (const [stream, a] of accounts) {
    const userId = stream.slice('account-'.length);
    for (const [asset, balance] of Object.entries(a.balances)) {
      const ledger = (account: string) => canonical(auditor.balances.get('USER', userId, account, asset));
      if (balance.available !== ledger('wallet.available')) problems.push(`WALLET ${userId}: available ${balance.available} ≠ ledger ${ledger('wallet.available')}`);
      if (balance.frozen !== ledger('wallet.frozen')) problems.push(`WALLET ${userId}: frozen ${balance.frozen} ≠ ledger ${ledger('wallet.frozen')}`);
      for (const [symbol, margin] of Object.entries(balance.margins)) {
        if (margin !== ledger(`margin.${symbol}`)) problems.push(`WALLET ${userId}: margin.${symbol} ${margin} ≠ ledger ${ledger(`margin.${symbol}`)}`);
        const p = positions.get(`position-${userId}_${symbol}`);
        if (p && p.margin !== margin) problems.push(`MARGIN ${userId} ${symbol}: position ${p.margin} ≠ account ${margin}`);
      }
      const frozenByOrders = sum(Object.values(a.openOrders).filter((o) => o.asset === asset).map((o) => dec(o.margin).plus(o.fee)));
      if (!frozenByOrders.equals(balance.frozen)) problems.push(`FROZEN ${userId}: orders hold ${canonical(frozenByOrders)}, wallet.frozen ${balance.frozen}`);
    }
    for (const orderId of Object.keys(a.openOrders)) {
      const o = orders.get(orderId);
      if (!o || isTerminal(o) || o.status === 'PENDING') problems.push(`ENDED_ORDER_HOLDS_FUNDS: ${orderId} (${o?.status}) at ${stream}`);
    }
  }
  for (const [stream, p] of positions) {
    for (const orderId of Object.keys(p.orders)) {
      const o = orders.get(orderId);
      if (!o || isTerminal(o) || o.status === 'PENDING') problems.push(`ENDED_ORDER_HOLDS_QTY: ${orderId} (${o?.status}) at ${stream}`);
    }
    if (sum(p.reservations.map((r) => r.qty)).greaterThan(p.qty)) problems.push(`RESERVATIONS ${stream}: above the position`);
  }
  for (const [orderId, o] of orders) if (o.status === 'PENDING') problems.push(`PENDING_ORDER: ${orderId}`);
  // each leg of each trade: one order fill, and position money events under that tradeId
  const fills = new Map<string, number>();
  const legs = new Set<string>();
  for (const e of events) {
    if (e.type === 'OrderFilled' || e.type === 'OrderPartiallyFilled') {
      const k = `${String(e.data['orderId'])} ${String(e.data['tradeId'])}`;
      fills.set(k, (fills.get(k) ?? 0) + 1);
    }
    if (['PositionMarginReleased', 'PositionIncreased', 'PositionCloseToOpenCompensation'].includes(e.type)) legs.add(`${String(e.data['orderId'])} ${String(e.data['tradeId'])}`);
  }
  for (const e of events) {
    if (e.type !== 'TradeExecuted') continue;
    for (const side of ['maker', 'taker'] as const) {
      const party = e.data[side] as { orderId: string };
      const k = `${party.orderId} ${String(e.data['tradeId'])}`;
      if (fills.get(k) !== 1) problems.push(`TRADE_FILL ${k}: recorded ${fills.get(k) ?? 0} times`);
      if (!legs.has(k)) problems.push(`TRADE_LEG ${k}: not settled by the position`);
    }
  }
  return { problems, fold };
}
