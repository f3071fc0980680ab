/**
 * A small balances projection used to exercise the runner (the real projections come with the
 * domain events): money folded in TypeScript with decimal.js, written as absolute strings, a
 * newest-first journal, an impossible event when a balance would go below zero.
 */
import { randomUUID } from 'node:crypto';
import { Decimal } from 'decimal.js';
import { ANY, type EventStore, type Position, type RecordedEvent, type SubscriptionMessage, type AllSubscription } from '../../eventstore/port.js';
import { ImpossibleEvent, type Projection } from '../../projections/runner/projection.js';
import { logOrderMember } from '../../projections/store/keys.js';
import { write } from '../../projections/store/ops.js';
import type { ReadStore, WriteOp } from '../../projections/store/port.js';
import { idOf } from '../../eventstore/streams.js';

export interface BalancesFold {
  /** `${userId}|${asset}` → canonical decimal string */
  balances: Map<string, string>;
  users: Set<string>;
}

export const JOURNAL_KEEP = 50;

/** counts `apply` calls, so tests can tell a replay from a resume */
export interface ApplyCounter {
  calls: number;
}

export function balancesProjection(options: { name: string; version?: number; counter?: ApplyCounter } = { name: 'balances' }): Projection<BalancesFold> {
  const { name, version = 1, counter } = options;
  return {
    name,
    version,
    filter: { streamPrefixes: ['account-'] },
    initialState: () => ({ balances: new Map(), users: new Set() }),
    async loadState(view) {
      const fold: BalancesFold = { balances: new Map(), users: new Set() };
      for (const user of await view.smembers('users')) {
        fold.users.add(user);
        for (const [asset, amount] of Object.entries(await view.hgetall(`balance:${user}`))) fold.balances.set(`${user}|${asset}`, amount);
      }
      return fold;
    },
    apply(state, event) {
      if (counter) counter.calls += 1;
      const user = idOf(event.stream);
      const { asset, amount } = event.data as { asset: string; amount: string };
      const before = new Decimal(state.balances.get(`${user}|${asset}`) ?? '0');
      let after: Decimal;
      switch (event.type) {
        case 'FundsDeposited':
          after = before.plus(amount);
          break;
        case 'FundsWithdrawn':
          after = before.minus(amount);
          if (after.isNegative()) throw new ImpossibleEvent(`withdrawal of ${amount} ${asset} from ${before.toFixed()} leaves ${after.toFixed()}`, { user, asset });
          break;
        default:
          return { state, writes: [] };
      }
      const value = after.toFixed();
      state.balances.set(`${user}|${asset}`, value);
      const writes: WriteOp[] = [write.hset(`balance:${user}`, { [asset]: value }), write.zadd(`journal:${user}`, 0, logOrderMember(event.position, `${event.type}:${amount}`)), write.ztrim(`journal:${user}`, JOURNAL_KEEP)];
      if (!state.users.has(user)) {
        state.users.add(user);
        writes.push(write.sadd('users', user));
      }
      return { state, writes };
    },
  };
}

export async function deposit(store: EventStore, user: string, amount: string, asset = 'USDT'): Promise<Position> {
  return (await store.append(`account-${user}`, [{ id: randomUUID(), type: 'FundsDeposited', data: { asset, amount }, metadata: {} }], ANY)).position;
}

export async function withdraw(store: EventStore, user: string, amount: string, asset = 'USDT'): Promise<Position> {
  return (await store.append(`account-${user}`, [{ id: randomUUID(), type: 'FundsWithdrawn', data: { asset, amount }, metadata: {} }], ANY)).position;
}

export async function unrelated(store: EventStore, id: string): Promise<Position> {
  return (await store.append(`other-${id}`, [{ id: randomUUID(), type: 'SomethingElse', data: {}, metadata: {} }], ANY)).position;
}

/** deterministic deposits and withdrawals over a few users; balances never go negative */
export async function seed(store: EventStore, count: number): Promise<Map<string, Decimal>> {
  const expected = new Map<string, Decimal>();
  for (let i = 0; i < count; i += 1) {
    const user = `u${i % 7}`;
    const current = expected.get(user) ?? new Decimal(0);
    if (i % 5 === 4 && current.gte('0.3')) {
      await withdraw(store, user, '0.3');
      expected.set(user, current.minus('0.3'));
    } else {
      const amount = `${(i % 13) + 1}.${String(i % 100).padStart(2, '0')}`;
      await deposit(store, user, amount);
      expected.set(user, current.plus(amount));
    }
    if (i % 11 === 0) await unrelated(store, `x${i}`);
  }
  return expected;
}

/** An event store whose subscriptions deliver every event twice (at-least-once at its worst). */
export function duplicatingStore(inner: EventStore): EventStore {
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property !== 'subscribeToAll') return Reflect.get(target, property, receiver);
      return (options?: Parameters<EventStore['subscribeToAll']>[0]): AllSubscription => {
        const subscription = target.subscribeToAll(options);
        async function* twice(): AsyncGenerator<SubscriptionMessage> {
          for await (const message of subscription) {
            yield message;
            if (message.kind === 'event') yield message;
          }
        }
        const iterator = twice();
        return { [Symbol.asyncIterator]: () => iterator, close: () => subscription.close() };
      };
    },
  });
}

/** A read store whose first `staleReads` checkpoint reads answer `stale` (a restart from an old checkpoint). */
export function staleCheckpointStore(inner: ReadStore, stale: Position | null, staleReads: number): ReadStore {
  let left = staleReads;
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'checkpoint') {
        return async (projection: string, version: number) => {
          if (left > 0) {
            left -= 1;
            return stale;
          }
          return target.checkpoint(projection, version);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** A read store whose applyBatch fails with `makeError()` for the next `failures` calls, and counts calls. */
export function flakyStore(inner: ReadStore, failures: number, makeError: () => Error = () => new Error('connection lost')): ReadStore & { applyCalls: number } {
  let left = failures;
  const counts = { applyCalls: 0 };
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'applyCalls') return counts.applyCalls;
      if (property === 'applyBatch') {
        return async (...args: Parameters<ReadStore['applyBatch']>) => {
          counts.applyCalls += 1;
          if (left > 0) {
            left -= 1;
            throw makeError();
          }
          return target.applyBatch(...args);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as ReadStore & { applyCalls: number };
}

export function events(batches: ReadonlyArray<{ events: readonly RecordedEvent[] }>): RecordedEvent[] {
  return batches.flatMap((batch) => batch.events);
}

/** A read store that holds back applyBatch calls of one version until `release()`. */
export function gatedStore(inner: ReadStore, gatedVersion: number): { store: ReadStore; release(): void; held(): number } {
  let open = false;
  let held = 0;
  let waiting: Array<() => void> = [];
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'applyBatch') {
        return async (...args: Parameters<ReadStore['applyBatch']>) => {
          if (!open && args[1] === gatedVersion) {
            held += 1;
            await new Promise<void>((resolve) => waiting.push(resolve));
          }
          return target.applyBatch(...args);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    store,
    release() {
      open = true;
      for (const resolve of waiting) resolve();
      waiting = [];
    },
    held: () => held,
  };
}
