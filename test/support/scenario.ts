import { createInMemoryStore } from '../../eventstore/embedded/index.js';
import { BTC_PERP as DOMAIN_BTC_PERP } from '../domain/support/instrument.js';
import type { EventStore, RecordedEvent } from '../../eventstore/port.js';
import { streams } from '../../eventstore/streams.js';
import { accountDecider, type AccountState } from '../../domain/account/index.js';
import type { InstrumentInput } from '../../domain/instrument/types.js';
import { insuranceDecider, type InsuranceState } from '../../domain/insurance/index.js';
import type { OrderState, PlaceOrderInput } from '../../domain/order/types.js';
import { INSURANCE_USER_ID, positionDecider, type PositionState } from '../../domain/position/index.js';
import { loadAggregate, type Evolver } from '../../runtime/aggregates/load.js';
import { createRuntime, type Role, type Runtime, type RuntimeOptions } from '../../runtime/runtime.js';
import { MemorySnapshotStore } from '../../runtime/aggregates/snapshots.js';
import { MemoryRunnerStateStore } from '../../runtime/workflows/stateStore.js';
import type { ExchangeMemory } from '../../runtime/workflows/exchangeWorkflow.js';
import { WrongExpectedVersion } from '../../eventstore/errors.js';
import { auditLog } from './ledgerAudit.js';
import { makeTempDir } from './tmpdir.js';

/** BTC-PERP as in the domain scenarios (cs 0.001, tick 0.1, lot 1, maker 0.0002, taker 0.0005, IMR 0.01), quoted in USDT. */
export const BTC_PERP: InstrumentInput = { ...DOMAIN_BTC_PERP, quoteAsset: 'USDT' };

export interface ScenarioOptions {
  /** the store to run on (default: a fresh in-memory embedded store) */
  store?: EventStore;
  runtime?: Partial<RuntimeOptions>;
  /** at the Nth settle(), restart the runtime, its workflow checkpoint reset to the log's start */
  resetWorkflowsAtSettle?: number;
}

/**
 * Drives the real runtime — command API, matching engines, workflows — through its public
 * surface, and reads results back from the store. `settle()` polls `system.idle` (never sleeps).
 */
export class Scenario {
  private orderSeq = 0;
  private txSeq = 0;
  private settles = 0;
  private clock = Date.parse('2025-01-01T00:00:00Z');
  private id = 0;
  private runnerState = new MemoryRunnerStateStore<ExchangeMemory>();
  private readonly snapshots = new MemorySnapshotStore();
  /** failures the runtime reported (a clean scenario has none but lost races) */
  readonly errors: string[] = [];
  runtime!: Runtime;

  private constructor(
    readonly store: EventStore,
    private readonly dataDir: string,
    private readonly options: ScenarioOptions,
    private readonly removeDir: () => Promise<void>,
  ) {}

  static async start(options: ScenarioOptions = {}): Promise<Scenario> {
    const tmp = await makeTempDir('oec-scenario-');
    const scenario = new Scenario(options.store ?? createInMemoryStore(), tmp.dir, options, tmp.remove);
    await scenario.boot(options.runtime?.roles);
    return scenario;
  }

  private async boot(roles?: Role[]): Promise<void> {
    this.runtime = await createRuntime({
      store: this.store,
      dataDir: this.dataDir,
      inMemoryState: true,
      runnerStateStore: this.runnerState,
      snapshotStore: this.snapshots,
      clock: () => new Date((this.clock += 1000)),
      newId: () => `00000000-0000-4000-8000-${String(++this.id).padStart(12, '0')}`,
      onError: (error, where) => {
        if (!(error instanceof WrongExpectedVersion)) this.errors.push(`${where}: ${(error as Error).message}`);
      },
      ...this.options.runtime,
      ...(roles ? { roles } : {}),
    });
  }

  /** stops every part and starts them again on the same store and data dir */
  async restart(options: { roles?: Role[]; resetWorkflows?: boolean } = {}): Promise<void> {
    await this.runtime.stop();
    if (options.resetWorkflows) this.runnerState = new MemoryRunnerStateStore<ExchangeMemory>();
    await this.boot(options.roles ?? ['all']);
  }

  get exchange() {
    return this.runtime.exchange;
  }

  async stop(): Promise<void> {
    await this.runtime.stop();
    await this.store.close();
    await this.removeDir();
  }

  async settle(): Promise<void> {
    await this.runtime.system.waitForIdle(20_000);
    if (++this.settles === this.options.resetWorkflowsAtSettle) {
      await this.restart({ resetWorkflows: true });
      await this.runtime.system.waitForIdle(20_000);
    }
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
