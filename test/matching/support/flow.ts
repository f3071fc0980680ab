/**
 * Order-flow builders for the engine tests, the crash child and the WAL benchmark: input events
 * as the workflows write them (DESIGN §3.4) and a seeded random flow over them.
 */
import { deterministicId } from '../../../eventstore/ids.js';
import type { EventData } from '../../../eventstore/port.js';
import type { SourceEvent } from '../../../matching/engine/input.js';
import { mulberry32 } from '../../../matching/workload/prng.js';

export const SYMBOL = 'BTC-PERP';
export const INSTRUMENT = { symbol: SYMBOL, tickSize: '0.5', lotSize: '0.001' };
const EPOCH_MS = Date.UTC(2024, 0, 1);

export interface AcceptedSpec {
  orderId: string;
  userId: string;
  side: 'BUY' | 'SELL';
  price: string;
  qty: string;
  type?: 'LIMIT' | 'MARKET';
  timeInForce?: 'GTC' | 'IOC' | 'FOK' | 'POST_ONLY';
  symbol?: string;
}

/** An input event to append to a store (the store assigns the position). */
export function acceptedData(spec: AcceptedSpec, n: number): EventData {
  const type = spec.type ?? 'LIMIT';
  return {
    id: deterministicId('test-input', spec.orderId, 'accepted'),
    type: 'OrderAccepted',
    data: {
      orderId: spec.orderId, userId: spec.userId, symbol: spec.symbol ?? SYMBOL, side: spec.side, type,
      timeInForce: spec.timeInForce ?? (type === 'MARKET' ? 'IOC' : 'GTC'), price: spec.price, qty: spec.qty,
      protectedPrice: type === 'MARKET' ? spec.price : null, intent: 'INCREASE', closeQty: '0', openQty: spec.qty,
      leverage: '10', frozenMargin: '0', frozenFee: '0',
    },
    metadata: { $correlationId: `corr-${spec.orderId}`, occurredAt: new Date(EPOCH_MS + n * 1000).toISOString() },
  };
}

/** symbol null: a cancel that does not name its symbol */
export function cancelData(orderId: string, n: number, symbol: string | null = SYMBOL): EventData {
  return {
    id: deterministicId('test-input', orderId, 'cancel', String(n)),
    type: 'OrderCancelRequested',
    data: symbol === null ? { orderId } : { orderId, symbol },
    metadata: { $correlationId: `corr-cancel-${orderId}`, occurredAt: new Date(EPOCH_MS + n * 1000).toISOString() },
  };
}

/** The same as a delivered event, for submit(): positions are the caller's (strictly increasing). */
export function asSource(event: EventData, position: number): SourceEvent {
  const orderId = event.data['orderId'] as string;
  return { ...event, stream: `order-${orderId}`, position: String(position), created: new Date(EPOCH_MS).toISOString() };
}

export interface FlowOptions {
  seed: number;
  /** prefix of the order ids, so several flows never collide */
  idPrefix: string;
  users?: number;
  /** share of cancels among commands */
  cancelShare?: number;
  /** only GTC limits (every order rests or trades) */
  limitsOnly?: boolean;
  midTicks?: number;
  spreadTicks?: number;
}

/** An endless seeded stream of input events: mostly limits near a mid, some IOC/FOK/POST_ONLY/MARKET, cancels of live ids. */
export function* randomFlow(options: FlowOptions): Generator<EventData> {
  const rnd = mulberry32(options.seed);
  const users = options.users ?? 16;
  const cancelShare = options.cancelShare ?? 0.25;
  const mid = options.midTicks ?? 20_000;
  const spread = options.spreadTicks ?? 40;
  const live: string[] = [];
  for (let n = 0; ; n++) {
    if (live.length > 0 && rnd() < cancelShare) {
      const i = Math.floor(rnd() * live.length);
      const orderId = live[i]!;
      live[i] = live[live.length - 1]!;
      live.pop();
      yield cancelData(orderId, n);
      continue;
    }
    const orderId = `${options.idPrefix}-${n}`;
    const side = rnd() < 0.5 ? 'BUY' : 'SELL';
    const offset = Math.floor(rnd() * spread) + 1;
    // buys mostly below mid and sells above, with some crossing so trades happen
    const priceTicks = side === 'BUY' ? mid - offset + Math.floor(spread / 4) : mid + offset - Math.floor(spread / 4);
    const price = (priceTicks / 2).toString();
    const qty = ((Math.floor(rnd() * 20) + 1) / 1000).toString();
    const pick = options.limitsOnly ? 1 : rnd();
    const spec: AcceptedSpec = { orderId, userId: `user-${Math.floor(rnd() * users)}`, side, price, qty };
    if (pick < 0.05) spec.timeInForce = 'IOC';
    else if (pick < 0.08) spec.timeInForce = 'FOK';
    else if (pick < 0.12) spec.timeInForce = 'POST_ONLY';
    else if (pick < 0.15) spec.type = 'MARKET';
    live.push(orderId);
    yield acceptedData(spec, n);
  }
}

export function take<T>(gen: Iterator<T>, n: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(gen.next().value as T);
  return out;
}

/** Bounded polling for asynchronous work (never a fixed sleep). */
export async function until(what: string, test: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
