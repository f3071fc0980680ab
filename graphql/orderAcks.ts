import { comparePositions, type AllSubscription, type EventStore, type Position, type RecordedEvent } from '../eventstore/port.js';
import type { OrderAcknowledgements } from './ports.js';

interface Waiter {
  after: Position | null;
  resolve(position: Position | null): void;
  timer: NodeJS.Timeout;
}

/** Orders whose latest answer is remembered (a retried placeOrder finds it without waiting). */
const REMEMBER_MAX = 100_000;

/**
 * Watches the engines' market streams (live, from the head at start) and tells placeOrder /
 * cancelOrder when the engine answered an order: OrderRested, TradeExecuted (maker or taker),
 * OrderCancelledInBook, OrderExpiredInBook, OrderRejectedByBook.
 */
export class MarketAcknowledgements implements OrderAcknowledgements {
  private readonly latest = new Map<string, Position>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private subscription: AllSubscription | undefined;
  private running: Promise<void> | undefined;
  private startPosition: Position | undefined;

  constructor(private readonly store: EventStore) {}

  async start(): Promise<void> {
    const from = await this.store.headPosition();
    this.startPosition = from;
    const subscription = this.store.subscribeToAll({ fromPosition: from, filter: { streamPrefixes: ['market-'] } });
    this.subscription = subscription;
    this.running = (async () => {
      for await (const message of subscription) if (message.kind === 'event') this.answered(message.event);
    })().catch(() => {
      // the waits are bounded: without the watcher, orders come back as the read models show them
    });
  }

  watches(position: Position): boolean {
    return this.startPosition !== undefined && comparePositions(position, this.startPosition) > 0;
  }

  acknowledged(orderId: string, after: Position | null, timeoutMs: number): Promise<Position | null> {
    const known = this.latest.get(orderId);
    if (known !== undefined && (after === null || comparePositions(known, after) > 0)) return Promise.resolve(known);
    if (timeoutMs <= 0) return Promise.resolve(null);
    return new Promise((resolve) => {
      let forOrder = this.waiters.get(orderId);
      if (!forOrder) this.waiters.set(orderId, (forOrder = new Set()));
      const waiter: Waiter = {
        after,
        resolve,
        timer: setTimeout(() => {
          forOrder.delete(waiter);
          if (forOrder.size === 0) this.waiters.delete(orderId);
          resolve(null);
        }, timeoutMs),
      };
      forOrder.add(waiter);
    });
  }

  private answered(event: RecordedEvent): void {
    for (const orderId of orderIdsOf(event)) {
      this.latest.delete(orderId);
      this.latest.set(orderId, event.position);
      if (this.latest.size > REMEMBER_MAX) this.latest.delete(this.latest.keys().next().value!);
      const forOrder = this.waiters.get(orderId);
      if (!forOrder) continue;
      for (const waiter of forOrder) {
        if (waiter.after !== null && comparePositions(event.position, waiter.after) <= 0) continue;
        clearTimeout(waiter.timer);
        forOrder.delete(waiter);
        waiter.resolve(event.position);
      }
      if (forOrder.size === 0) this.waiters.delete(orderId);
    }
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    await this.running;
    for (const forOrder of this.waiters.values()) {
      for (const waiter of forOrder) {
        clearTimeout(waiter.timer);
        waiter.resolve(null);
      }
    }
    this.waiters.clear();
  }
}

function orderIdsOf(event: RecordedEvent): string[] {
  const data = event.data as Record<string, unknown>;
  if (event.type === 'TradeExecuted') {
    const maker = data['maker'] as { orderId?: unknown } | undefined;
    const taker = data['taker'] as { orderId?: unknown } | undefined;
    return [maker?.orderId, taker?.orderId].filter((id): id is string => typeof id === 'string');
  }
  return typeof data['orderId'] === 'string' ? [data['orderId']] : [];
}
