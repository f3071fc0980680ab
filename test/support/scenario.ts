import { createInMemoryStore } from '../../eventstore/embedded/index.js';
import type { EventStore, RecordedEvent } from '../../eventstore/port.js';
import { streams } from '../../eventstore/streams.js';
import { accountDecider, type AccountState } from '../../domain/account/index.js';
import type { InstrumentInput } from '../../domain/instrument/types.js';
import { insuranceDecider, type InsuranceState } from '../../domain/insurance/index.js';
import type { OrderState, PlaceOrderInput } from '../../domain/order/types.js';
import { INSURANCE_USER_ID, positionDecider, type PositionState } from '../../domain/position/index.js';
import { loadAggregate, type Evolver } from '../../runtime/aggregates/load.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../../runtime/runtime.js';
import { auditLog } from './ledgerAudit.js';
import { makeTempDir } from './tmpdir.js';

/** BTC-PERP as in the domain scenarios: cs 0.001, tick 0.1, lot 1, maker 0.0002, taker 0.0005, IMR 0.01. */
export const BTC_PERP: InstrumentInput = {
  symbol: 'BTC-PERP',
  quoteAsset: 'USDT',
  contractSize: '0.001',
  tickSize: '0.1',
  lotSize: '1',
  makerFeeRate: '0.0002',
  takerFeeRate: '0.0005',
  initialMarginRate: '0.01',
  maintenanceMarginRate: '0.005',
  maxLeverage: 100,
  defaultLeverage: 10,
};

export interface ScenarioOptions {
  /** the store to run on (default: a fresh in-memory embedded store) */
  store?: EventStore;
  runtime?: Partial<RuntimeOptions>;
}

/**
 * Drives the real runtime — command API, matching engines, workflows — through its public
 * surface, and reads results back from the store. `settle()` polls `system.idle` (never sleeps).
 */
export class Scenario {
  private orderSeq = 0;
  private txSeq = 0;

  private constructor(
    readonly store: EventStore,
    readonly runtime: Runtime,
    private readonly cleanup: () => Promise<void>,
  ) {}

  static async start(options: ScenarioOptions = {}): Promise<Scenario> {
    const tmp = await makeTempDir('oec-scenario-');
    const store = options.store ?? createInMemoryStore();
    let clock = Date.parse('2025-01-01T00:00:00Z');
    let id = 0;
    const runtime = await createRuntime({
      store,
      dataDir: tmp.dir,
      inMemoryState: true,
      clock: () => new Date((clock += 1000)),
      newId: () => `00000000-0000-4000-8000-${String(++id).padStart(12, '0')}`,
      onError: () => undefined,
      ...options.runtime,
    });
    return new Scenario(store, runtime, async () => {
      await runtime.stop();
      await store.close();
      await tmp.remove();
    });
  }

  get exchange() {
    return this.runtime.exchange;
  }

  async stop(): Promise<void> {
    await this.cleanup();
  }

  async settle(): Promise<void> {
    await this.runtime.system.waitForIdle(20_000);
  }

  async listBtc(input: Partial<InstrumentInput> = {}): Promise<void> {
    await this.exchange.createInstrument({ ...BTC_PERP, ...input });
    await this.settle();
  }

  async users(...names: string[]): Promise<void> {
    for (const name of names) await this.exchange.createUser({ userId: name, name, apiKeyHash: `hash-${name}` });
  }

  async deposit(userId: string, amount: string, asset = 'USDT'): Promise<void> {
    await this.exchange.deposit(userId, asset, amount, `tx-${++this.txSeq}`);
    await this.settle();
  }

  /** places and waits until the system is idle again; returns the orderId */
  async place(userId: string, side: 'BUY' | 'SELL', qty: string, price: string | null, extra: Partial<PlaceOrderInput> = {}): Promise<string> {
    const result = await this.exchange.placeOrder(userId, {
      symbol: 'BTC-PERP', side, type: price === null ? 'MARKET' : 'LIMIT', price, qty, clientOrderId: `c${++this.orderSeq}`, ...extra,
    });
    await this.settle();
    return result.orderId;
  }

  async cancel(userId: string, orderId: string): Promise<void> {
    await this.exchange.cancelOrder(userId, orderId);
    await this.settle();
  }

  private async load<S>(stream: string, evolver: Evolver<S>): Promise<S> {
    return (await loadAggregate(this.store, stream, evolver)).state;
  }

  async account(userId: string): Promise<AccountState> {
    return this.load(streams.account(userId), accountDecider as Evolver<AccountState>);
  }

  async wallet(userId: string, symbol = 'BTC-PERP'): Promise<{ available: string; frozen: string; margin: string }> {
    const b = (await this.account(userId)).balances['USDT'];
    return { available: b?.available ?? '0', frozen: b?.frozen ?? '0', margin: b?.margins[symbol] ?? '0' };
  }

  async position(userId: string, symbol = 'BTC-PERP'): Promise<PositionState> {
    const stream = userId === INSURANCE_USER_ID ? streams.insurancePosition(symbol) : streams.position(userId, symbol);
    return this.load(stream, positionDecider as unknown as Evolver<PositionState>);
  }

  async order(orderId: string): Promise<OrderState> {
    const order = await this.exchange.order(orderId);
    if (!order) throw new Error(`order ${orderId} not found`);
    return order;
  }

  async insurance(asset = 'USDT'): Promise<InsuranceState> {
    return this.load(streams.insurance(asset), insuranceDecider as Evolver<InsuranceState>);
  }

  async events(): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    for await (const event of this.store.readAll()) out.push(event);
    return out;
  }

  /** the audit of the whole log read back from the store (empty = clean) */
  async audit(): Promise<string[]> {
    return (await auditLog(this.store)).problems;
  }

  async platform(account: string, asset = 'USDT'): Promise<string> {
    const { fold } = await auditLog(this.store);
    return fold.auditor.balances.platform(account, asset).toFixed();
  }
}
