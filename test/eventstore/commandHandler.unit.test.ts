import test from 'ava';
import { createAggregateCache, handleCommand, type Decider } from '../../eventstore/commandHandler.js';
import { createInMemoryStore } from '../../eventstore/embedded/index.js';
import type { CausationContext, DomainEvent } from '../../eventstore/envelope.js';
import { WrongExpectedVersion } from '../../eventstore/errors.js';
import { ANY, type EventStore } from '../../eventstore/port.js';

interface Counter {
  total: number;
  keys: string[];
}
type AddCommand = { kind: 'add'; amount: number; key: string } | { kind: 'noop' };

class NegativeAmount extends Error {}

const counter: Decider<AddCommand, Counter> = {
  initialState: () => ({ total: 0, keys: [] }),
  evolve: (state, event) => {
    const data = event.data as { amount: number; key: string };
    return { total: state.total + data.amount, keys: [...state.keys, data.key] };
  },
  decide: (command, state): DomainEvent[] => {
    if (command.kind === 'noop') return [];
    if (command.amount < 0) throw new NegativeAmount('amount must be positive');
    if (state.keys.includes(command.key)) return [];
    return [{ type: 'Added', key: command.key, data: { amount: command.amount, key: command.key } }];
  },
};

const context: CausationContext = { correlationId: 'corr-1', causationId: 'cause-1', occurredAt: '2024-05-01T00:00:00.000Z' };

test('decide → append with the exact revision, envelope metadata and deterministic ids', async (t) => {
  const store = createInMemoryStore();
  const first = await handleCommand(store, 'counter-a', counter, { kind: 'add', amount: 2, key: 'k1' }, context);
  t.is(first.nextRevision, 0);
  t.deepEqual(first.state, { total: 2, keys: ['k1'] });
  const second = await handleCommand(store, 'counter-a', counter, { kind: 'add', amount: 3, key: 'k2' }, context);
  t.is(second.nextRevision, 1);
  const stored = await store.readStream('counter-a');
  t.deepEqual(stored.map((e) => [e.type, e.data, e.metadata.idempotencyKey, e.metadata.occurredAt, e.metadata.$correlationId]), [
    ['Added', { amount: 2, key: 'k1' }, 'k1', context.occurredAt, 'corr-1'],
    ['Added', { amount: 3, key: 'k2' }, 'k2', context.occurredAt, 'corr-1'],
  ]);
  t.is(second.position, stored[1]!.position);
  await store.close();
});

test('a command deciding nothing writes nothing', async (t) => {
  const store = createInMemoryStore();
  await handleCommand(store, 'counter-a', counter, { kind: 'add', amount: 1, key: 'k1' }, context);
  const result = await handleCommand(store, 'counter-a', counter, { kind: 'add', amount: 1, key: 'k1' }, context);
  t.deepEqual(result.events, []);
  t.is(result.nextRevision, 0);
  t.is(result.position, undefined);
  t.is((await store.readStream('counter-a')).length, 1);
  await store.close();
});

test('domain errors from decide propagate and nothing is written', async (t) => {
  const store = createInMemoryStore();
  await t.throwsAsync(handleCommand(store, 'counter-a', counter, { kind: 'add', amount: -1, key: 'k1' }, context), { instanceOf: NegativeAmount });
  t.is(await store.headPosition(), '0');
  await store.close();
});

test('concurrent commands on one stream all land, through conflict retries', async (t) => {
  const store = createInMemoryStore();
  const commands = Array.from({ length: 10 }, (_, i) => ({ kind: 'add' as const, amount: i + 1, key: `k${i}` }));
  await Promise.all(commands.map((c) => handleCommand(store, 'counter-a', counter, c, context, { maxRetries: 20 })));
  const stored = await store.readStream('counter-a');
  t.is(stored.length, 10);
  t.is(stored.reduce((sum, e) => sum + (e.data.amount as number), 0), 55);
  await store.close();
});

test('a stale cached state conflicts, is dropped and reloaded', async (t) => {
  const store = createInMemoryStore();
  const cache = createAggregateCache();
  await handleCommand(store, 'counter-a', counter, { kind: 'add', amount: 1, key: 'k1' }, context, { cache });
  t.deepEqual(cache.get('counter-a'), { state: { total: 1, keys: ['k1'] }, revision: 0 });
  // another writer appends behind the cache's back
  await handleCommand(store, 'counter-a', counter, { kind: 'add', amount: 10, key: 'k2' }, context);
  const result = await handleCommand(store, 'counter-a', counter, { kind: 'add', amount: 100, key: 'k3' }, context, { cache });
  t.deepEqual(result.state, { total: 111, keys: ['k1', 'k2', 'k3'] });
  t.deepEqual(cache.get('counter-a'), { state: result.state, revision: 2 });
  await store.close();
});

test('the cache is bounded: least recently used streams are dropped', (t) => {
  const cache = createAggregateCache(2);
  cache.set('a-1', { state: 1, revision: 0 });
  cache.set('a-2', { state: 2, revision: 0 });
  cache.get('a-1');
  cache.set('a-3', { state: 3, revision: 0 });
  t.truthy(cache.get('a-1'));
  t.is(cache.get('a-2'), undefined);
  t.truthy(cache.get('a-3'));
});

test('retries are bounded: a stream that keeps moving ends in WrongExpectedVersion', async (t) => {
  const inner = createInMemoryStore();
  let interferences = 0;
  // every append is preceded by a competing write, so every attempt conflicts
  const contested: EventStore = Object.assign(Object.create(inner) as EventStore, {
    append: async (...args: Parameters<EventStore['append']>) => {
      interferences += 1;
      await inner.append(args[0], [{ id: crypto.randomUUID(), type: 'Added', data: { amount: 0, key: `x${interferences}` }, metadata: {} }], ANY);
      return inner.append(...args);
    },
    readStream: inner.readStream.bind(inner),
  });
  await t.throwsAsync(handleCommand(contested, 'counter-a', counter, { kind: 'add', amount: 1, key: 'k1' }, context, { maxRetries: 3 }), { instanceOf: WrongExpectedVersion });
  t.is(interferences, 4);
  await inner.close();
});
