/**
 * The runtime's scenario list (test/support/scenarioList.ts, numbers worked out by hand) driven
 * over HTTP: every command is a GraphQL mutation, every wait polls `system.idle` through the API,
 * and every value the API shows — balances, margins, positions, order status / fill / fee /
 * intent / reason, platform ledger accounts — is read from the API. What the contract does not
 * show (an order's frozen amounts, a position's reservations, event keys) comes from the server's
 * own event store, as the command-API run reads it. The cases name their users; the API makes
 * the ids, so stream names are shown with the names again.
 */
import { Decimal } from '../../../domain/money/decimal.js';
import { accountDecider, type AccountState } from '../../../domain/account/index.js';
import type { InstrumentInput } from '../../../domain/instrument/types.js';
import type { OrderState, PlaceOrderInput } from '../../../domain/order/types.js';
import { INSURANCE_USER_ID, positionDecider, type PositionState } from '../../../domain/position/index.js';
import type { RecordedEvent } from '../../../eventstore/port.js';
import { streams } from '../../../eventstore/streams.js';
import { loadAggregate, type Evolver } from '../../../runtime/aggregates/load.js';
import type { Scenario } from '../../support/scenario.js';
import { BTC_PERP } from '../../support/scenario.js';
import { ADMIN_KEY, ORDER_FIELDS, type TestExchange } from './exchange.js';

interface User {
  userId: string;
  apiKey: string;
}

const POSITION_FIELDS = 'symbol side quantity entryPrice margin leverage reservedToClose realizedPnl';

export class ApiScenario {
  private readonly byName = new Map<string, User>();
  private readonly orderOwner = new Map<string, string>();
  private orderSeq = 0;
  private txSeq = 0;

  constructor(readonly x: TestExchange) {}

  /** the surface the scenario cases call, typed as the command-API harness they were written for */
  asScenario(): Scenario {
    return this as unknown as Scenario;
  }

  /** the scenario's users by name (the ledger checks read every one of them) */
  participants(): ReadonlyMap<string, User> {
    return this.byName;
  }

  private user(name: string): User {
    const user = this.byName.get(name);
    if (!user) throw new Error(`no user ${name} in this scenario`);
    return user;
  }

  private async mutate<T = any>(query: string, variables: Record<string, unknown>, apiKey: string): Promise<T> {
    return this.x.data<T>(query, variables, apiKey);
  }

  /** DESIGN §10: clients poll system.idle instead of sleeping */
  settle(): Promise<void> {
    return this.x.waitIdle();
  }

  readonly exchange = {
    setLeverage: async (name: string, symbol: string, leverage: number) => {
      await this.mutate('mutation($s: ID!, $l: Int!) { setLeverage(symbol: $s, leverage: $l) { leverage } }', { s: symbol, l: leverage }, this.user(name).apiKey);
      await this.settle();
    },
    liquidate: async (name: string, symbol: string, price: string) => {
      await this.mutate('mutation($u: ID!, $s: ID!, $p: Decimal!) { liquidate(userId: $u, symbol: $s, price: $p) { side } }', { u: this.user(name).userId, s: symbol, p: price }, ADMIN_KEY);
    },
    fundInsurance: async (asset: string, amount: string, txId: string) => {
      await this.mutate('mutation($a: String!, $n: Decimal!, $tx: ID!) { fundInsurance(asset: $a, amount: $n, txId: $tx) { balanceSheet { balanced } } }', { a: asset, n: amount, tx: txId }, ADMIN_KEY);
    },
    setMarkPrice: async (symbol: string, price: string) => {
      await this.mutate('mutation($s: ID!, $p: Decimal!) { setMarkPrice(symbol: $s, price: $p) { markPrice } }', { s: symbol, p: price }, ADMIN_KEY);
    },
    placeInsuranceOrder: async (input: Omit<PlaceOrderInput, 'reduceOnly'> & { clientOrderId?: string | null }) => {
      const { qty, ...rest } = input;
      const placed = await this.mutate<{ placeInsuranceOrder: { id: string } }>('mutation($i: PlaceOrderInput!) { placeInsuranceOrder(input: $i) { id } }', { i: { ...rest, quantity: qty } }, ADMIN_KEY);
      return { orderId: placed.placeInsuranceOrder.id };
    },
  };

  async listBtc(input: Partial<InstrumentInput> = {}): Promise<void> {
    // the main job lists the demo BTC-PERP on its first start: the same listing again is a repeat
    const listed = await this.mutate('mutation($i: InstrumentInput!) { createInstrument(input: $i) { symbol } }', { i: { ...BTC_PERP, ...input } }, ADMIN_KEY);
    if (listed.createInstrument.symbol !== 'BTC-PERP') throw new Error('BTC-PERP not listed');
    await this.settle();
  }

  async users(...names: string[]): Promise<void> {
    for (const name of names) {
      const created = await this.mutate<{ createUser: User }>('mutation($n: String!) { createUser(name: $n) { userId apiKey } }', { n: name }, ADMIN_KEY);
      this.byName.set(name, created.createUser);
    }
  }

  async deposit(name: string, amount: string, asset = 'USDT'): Promise<void> {
    await this.mutate('mutation($u: ID!, $a: String!, $n: Decimal!, $tx: ID!) { deposit(userId: $u, asset: $a, amount: $n, txId: $tx) { userId } }', { u: this.user(name).userId, a: asset, n: amount, tx: `tx-${++this.txSeq}` }, ADMIN_KEY);
    await this.settle();
  }

  async place(name: string, side: 'BUY' | 'SELL', qty: string, price: string | null, extra: Partial<PlaceOrderInput> = {}): Promise<string> {
    const { qty: _qty, ...rest } = extra;
    const input = { symbol: 'BTC-PERP', side, type: price === null ? 'MARKET' : 'LIMIT', ...(price === null ? {} : { price }), quantity: qty, clientOrderId: `c${++this.orderSeq}`, ...rest };
    const placed = await this.mutate<{ placeOrder: { id: string; status: string } }>('mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id status } }', { i: input }, this.user(name).apiKey);
    this.orderOwner.set(placed.placeOrder.id, name);
    await this.settle();
    return placed.placeOrder.id;
  }

  async cancel(name: string, orderId: string): Promise<void> {
    await this.mutate('mutation($id: ID!) { cancelOrder(orderId: $id) { status } }', { id: orderId }, this.user(name).apiKey);
    await this.settle();
  }

  /** the quote wallet (Balance) and the symbol's isolated margin (Position), both from the API */
  async wallet(name: string, symbol = 'BTC-PERP'): Promise<{ available: string; frozen: string; margin: string }> {
    const me = (await this.x.data(`{ me { balances { asset available frozen } positions { symbol margin } } }`, {}, this.user(name).apiKey)).me;
    const balance = me.balances.find((b: { asset: string }) => b.asset === 'USDT');
    const position = me.positions.find((p: { symbol: string }) => p.symbol === symbol);
    return { available: balance?.available ?? '0', frozen: balance?.frozen ?? '0', margin: position?.margin ?? '0' };
  }

  /** the API's Position in the domain's terms (FLAT is side null; entryNotional = entryPrice × qty × contract size) */
  async position(name: string, symbol = 'BTC-PERP'): Promise<PositionState> {
    const insurance = name === INSURANCE_USER_ID;
    const served: any[] = insurance
      ? (await this.x.data(`{ insurancePositions { ${POSITION_FIELDS} } }`, {}, ADMIN_KEY)).insurancePositions
      : (await this.x.data(`{ me { positions { ${POSITION_FIELDS} } } }`, {}, this.user(name).apiKey)).me.positions;
    const api = served.find((p) => p.symbol === symbol);
    const stream = insurance ? streams.insurancePosition(symbol) : streams.position(this.user(name).userId, symbol);
    const stored = (await loadAggregate(this.x.job.store, stream, positionDecider as unknown as Evolver<PositionState>)).state;
    // the API lists open positions only (a flat one's realised PnL stays in the ledger): flat → the domain's empty values
    const side = api ? api.side : null;
    const qty = api ? api.quantity : '0';
    const entryNotional = api && api.entryPrice !== null ? new Decimal(api.entryPrice).times(qty).times(BTC_PERP.contractSize).toFixed() : '0';
    const fromApi = { side, qty, entryNotional, margin: api?.margin ?? '0', ...(api ? { realizedPnl: api.realizedPnl, leverage: api.leverage } : {}) };
    return { ...stored, ...fromApi } as PositionState;
  }

  /** the API's Order (the owner's key) in the domain's terms, with what only the store knows (the intent's frozen amounts) */
  async order(orderId: string): Promise<OrderState> {
    const stored = await this.x.job.runtime.exchange.order(orderId);
    if (!stored) throw new Error(`order ${orderId} not found`);
    const owner = this.orderOwner.get(orderId);
    // insurance orders have no owner with a key: the store alone answers for them
    if (owner === undefined) return stored;
    const api = (await this.x.data(`query($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`, { id: orderId }, this.user(owner).apiKey)).order;
    if (!api) throw new Error(`order ${orderId} not served to its owner`);
    const reason = api.status === 'REJECTED' ? { rejectReason: api.rejectReason } : api.status === 'EXPIRED' ? { expireReason: api.rejectReason } : {};
    return {
      ...stored,
      status: api.status,
      filledQty: api.filledQuantity,
      feeTotal: api.fee,
      ...reason,
      ...(stored.accepted ? { accepted: { ...stored.accepted, intent: api.intent } } : {}),
    } as OrderState;
  }

  async account(name: string): Promise<AccountState> {
    return (await loadAggregate(this.x.job.store, streams.account(this.user(name).userId), accountDecider as Evolver<AccountState>)).state;
  }

  /** the insurance fund as the platform ledger shows it (equity.insuranceFund) */
  async insurance(asset = 'USDT'): Promise<{ fund: string }> {
    return { fund: await this.platform('equity.insuranceFund', asset) };
  }

  /** a platform ledger account's balance from the API's platform balance sheet */
  async platform(account: string, asset = 'USDT'): Promise<string> {
    const sheet = (await this.x.data('{ platformLedger { balanceSheet { accounts { account asset balance } } } }', {}, ADMIN_KEY)).platformLedger.balanceSheet;
    return sheet.accounts.find((a: { account: string; asset: string }) => a.account === account && a.asset === asset)?.balance ?? '0';
  }

  /** the server's log, its stream names showing the scenario's user names */
  async events(): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    const names = [...this.byName].map(([name, user]) => [user.userId, name] as const);
    for await (const event of this.x.job.store.readAll()) {
      let stream = event.stream;
      for (const [userId, name] of names) stream = stream.replace(userId, name);
      out.push(stream === event.stream ? event : { ...event, stream });
    }
    return out;
  }
}
