/**
 * The projection runner's behaviour, run against each ReadStore adapter: catch-up and live,
 * batching, idempotency (every event twice; restart from a stale checkpoint), resume after a
 * restart, impossible events, retries, version upgrade and rebuild beside the live version.
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import type { Decimal } from 'decimal.js';
import { createInMemoryStore } from '../../eventstore/embedded/index.js';
import type { EventStore } from '../../eventstore/port.js';
import { ProjectionFailed, VersionSuperseded, WaitTimeout } from '../../projections/runner/errors.js';
import { createProjectionRunner, type AppliedBatch, type ProjectionRunnerOptions } from '../../projections/runner/runner.js';
import { ReadStoreWrongType } from '../../projections/store/errors.js';
import { idOfLogOrderMember } from '../../projections/store/keys.js';
import type { ReadStore } from '../../projections/store/port.js';
import { balancesProjection, deposit, duplicatingStore, flakyStore, gatedStore, seed, staleCheckpointStore, unrelated, withdraw, JOURNAL_KEEP, type ApplyCounter } from './runnerFixtures.js';
import { uniqueProjection } from './storeContract.js';

export interface SuiteReadStore {
  store: ReadStore;
  cleanup(): Promise<void>;
}

const WAIT_MS = 10_000;
const SEED_EVENTS = Number(process.env.RUNNER_SEED_EVENTS ?? 300);

async function expectBalances(t: ExecutionContext, store: ReadStore, name: string, expected: Map<string, Decimal>): Promise<void> {
  const view = (await store.view(name))!;
  t.truthy(view, `${name} has a current version`);
  t.deepEqual(await view.smembers('users'), [...expected.keys()].sort());
  for (const [user, amount] of expected) t.is(await view.hget(`balance:${user}`, 'USDT'), amount.toFixed(), user);
}

export function runRunnerSuite(label: string, makeReadStore: () => Promise<SuiteReadStore>): void {
  /** a fresh event store + read store per test; everything is closed at the end */
  const withStores = (title: string, body: (t: ExecutionContext, events: EventStore, reads: ReadStore, name: string) => Promise<void>) =>
    test(`${label}: ${title}`, async (t) => {
      const events = createInMemoryStore();
      const { store, cleanup } = await makeReadStore();
      try {
        await body(t, events, store, uniqueProjection('bal'));
      } finally {
        await cleanup();
        await events.close();
      }
    });

  const runnerFor = (events: EventStore, reads: ReadStore, name: string, extra: Partial<ProjectionRunnerOptions> & { counter?: ApplyCounter; version?: number } = {}) =>
    createProjectionRunner({ eventStore: events, readStore: reads, projections: [balancesProjection({ name, version: extra.version ?? 1, ...(extra.counter ? { counter: extra.counter } : {}) })], retryInitialMs: 1, retryMaxMs: 5, ...extra });

  withStores('catches up, goes live, tells listeners after each committed batch', async (t, events, reads, name) => {
    const expected = await seed(events, SEED_EVENTS);
    const runner = runnerFor(events, reads, name);
    const applied: AppliedBatch[] = [];
    runner.onApplied((batch) => applied.push(batch));
    await runner.start();
    await runner.waitForPosition(await events.headPosition(), WAIT_MS);
    await expectBalances(t, reads, name, expected);

    const live = await deposit(events, 'u1', '0.00000001');
    expected.set('u1', expected.get('u1')!.plus('0.00000001'));
    await runner.waitForPosition(live, WAIT_MS);
    await expectBalances(t, reads, name, expected);
    const last = applied.at(-1)!;
    t.is(last.position, live);
    t.is(last.events.at(-1)!.position, live);
    t.is(applied.flatMap((b) => b.events).length, SEED_EVENTS + 1, 'every projected event told once, none of the unrelated ones');
    t.is(await reads.checkpoint(name, 1), live);

    const journal = await (await reads.view(name))!.zrevrange('journal:u1', 0, 2);
    t.deepEqual(journal[0] && idOfLogOrderMember(journal[0]), 'FundsDeposited:0.00000001', 'newest first');
    t.true((await (await reads.view(name))!.zcard('journal:u1')) <= JOURNAL_KEEP);

    // unrelated events move the position of a filtered projection too
    const head = await unrelated(events, 'tail');
    await runner.waitForPosition(head, WAIT_MS);
    const [status] = runner.status();
    t.like(status, { name, version: 1, current: true, rebuilding: false, state: 'live', caughtUp: true, error: null });
    t.true(runner.idle(await events.headPosition()));
    await runner.stop();
  });

  withStores('batches during catch-up: far fewer atomic writes than events', async (t, events, reads, name) => {
    const expected = await seed(events, 1200);
    const counting = flakyStore(reads, 0);
    const runner = runnerFor(events, counting, name, { batchMaxEvents: 500 });
    await runner.start();
    await runner.waitForPosition(await events.headPosition(), WAIT_MS);
    await expectBalances(t, reads, name, expected);
    t.true(counting.applyCalls <= 10, `${counting.applyCalls} batches for 1200 events`);
    await runner.stop();
  });

  withStores('every event delivered twice leaves the same model as a clean run', async (t, events, reads, name) => {
    const expected = await seed(events, SEED_EVENTS);
    const clean = runnerFor(events, reads, name);
    await clean.start();
    await clean.waitForPosition(await events.headPosition(), WAIT_MS);
    await clean.stop();

    const twiceName = uniqueProjection('twice');
    const twice = runnerFor(duplicatingStore(events), reads, twiceName);
    await twice.start();
    await twice.waitForPosition(await events.headPosition(), WAIT_MS);
    await twice.stop();
    t.deepEqual(await reads.exportVersion(twiceName, 1), await reads.exportVersion(name, 1));
    await expectBalances(t, reads, twiceName, expected);
  });

  for (const stale of [null, 'middle'] as const) {
    withStores(`a restart from a stale checkpoint (${stale ?? 'none'}) re-applies nothing twice`, async (t, events, reads, name) => {
      const half = await seed(events, SEED_EVENTS / 2);
      const middle = await events.headPosition();
      const first = runnerFor(events, reads, name);
      await first.start();
      await first.waitForPosition(middle, WAIT_MS);
      await first.stop();
      const more = await seed(events, SEED_EVENTS / 2);
      const first2 = runnerFor(events, reads, name);
      await first2.start();
      await first2.waitForPosition(await events.headPosition(), WAIT_MS);
      await first2.stop();
      const model = await reads.exportVersion(name, 1);
      const checkpoint = await reads.checkpoint(name, 1);

      // both checkpoint reads of the first load are stale: the fold is built for an old base
      const counter: ApplyCounter = { calls: 0 };
      const restarted = runnerFor(events, staleCheckpointStore(reads, stale === null ? null : middle, 2), name, { counter });
      await restarted.start();
      await restarted.waitForPosition(await events.headPosition(), WAIT_MS);
      t.deepEqual(await reads.exportVersion(name, 1), model, 'the stale batch was refused, the fold reloaded');
      t.is(await reads.checkpoint(name, 1), checkpoint);
      t.true(counter.calls > 0, 'the stale restart did replay events');

      // and it goes on from the real base: new money lands on the right balance
      const after = await deposit(events, 'u3', '5');
      await restarted.waitForPosition(after, WAIT_MS);
      const expected = new Map(half);
      for (const [user, amount] of more) expected.set(user, (expected.get(user) ?? amount.minus(amount)).plus(amount));
      expected.set('u3', expected.get('u3')!.plus('5'));
      await expectBalances(t, reads, name, expected);
      await restarted.stop();
    });
  }

  withStores('a restart resumes after the checkpoint with the fold reloaded from the model', async (t, events, reads, name) => {
    const before = await seed(events, 100);
    const first = runnerFor(events, reads, name);
    await first.start();
    await first.waitForPosition(await events.headPosition(), WAIT_MS);
    await first.stop();

    const p1 = await deposit(events, 'u0', '10');
    await withdraw(events, 'u0', '0.5');
    const counter: ApplyCounter = { calls: 0 };
    const second = runnerFor(events, reads, name, { counter });
    await second.start();
    await second.waitForPosition(await events.headPosition(), WAIT_MS);
    t.is(counter.calls, 2, 'only the two new events were folded');
    before.set('u0', before.get('u0')!.plus('10').minus('0.5'));
    await expectBalances(t, reads, name, before);
    t.not(p1, '0');
    await second.stop();
  });

  withStores('an impossible event stops the projection exactly before it and reports it; nothing is clamped', async (t, events, reads, name) => {
    await deposit(events, 'u1', '3');
    const good = await deposit(events, 'u1', '1.5');
    const failures: ProjectionFailed[] = [];
    const runner = runnerFor(events, reads, name, { onFailed: (error) => failures.push(error) });
    await runner.start();
    await runner.waitForPosition(good, WAIT_MS);
    const bad = await withdraw(events, 'u1', '4.6');
    await deposit(events, 'u1', '100');
    const error = await t.throwsAsync(runner.waitForPosition(await events.headPosition(), WAIT_MS), { instanceOf: ProjectionFailed });
    t.is(error?.event?.position, bad);
    t.is(error?.event?.type, 'FundsWithdrawn');
    t.is(error?.reason.name, 'ImpossibleEvent');
    t.is(failures.length, 1);
    const [status] = runner.status();
    t.like(status, { state: 'failed', position: good });
    t.is(status!.error!.event!.position, bad);
    t.is(await (await reads.view(name))!.hget('balance:u1', 'USDT'), '4.5', 'the balance stays as before the impossible withdrawal');
    t.is(await reads.checkpoint(name, 1), good);
    await runner.stop();
  });

  withStores('an impossible event in the middle of a catch-up batch keeps the events before it', async (t, events, reads, name) => {
    await deposit(events, 'u1', '1');
    const good = await deposit(events, 'u2', '2');
    await withdraw(events, 'u1', '7');
    await deposit(events, 'u2', '2');
    const runner = runnerFor(events, reads, name);
    await runner.start();
    await t.throwsAsync(runner.waitForPosition(await events.headPosition(), WAIT_MS), { instanceOf: ProjectionFailed });
    t.is(await reads.checkpoint(name, 1), good);
    t.deepEqual(await (await reads.view(name))!.hgetall('balance:u2'), { USDT: '2' });
    await runner.stop();
  });

  withStores('store failures are retried with the fold reloaded, so nothing is counted twice', async (t, events, reads, name) => {
    const expected = await seed(events, SEED_EVENTS);
    const errors: unknown[] = [];
    const flaky = flakyStore(reads, 3);
    const runner = runnerFor(events, flaky, name, { batchMaxEvents: 40, onError: (error) => errors.push(error) });
    await runner.start();
    await runner.waitForPosition(await events.headPosition(), WAIT_MS);
    await expectBalances(t, reads, name, expected);
    t.is(errors.length, 3);
    t.like(runner.status()[0], { state: 'live', consecutiveFailures: 0 });
    await runner.stop();
  });

  withStores('a store error that would recur (wrong key type) fails the projection at once', async (t, events, reads, name) => {
    await reads.applyBatch(name, 1, [{ op: 'set', key: 'users', value: 'not a set' }], '0');
    t.true(await reads.switchVersion(name, { from: null, to: 1 }));
    await deposit(events, 'u1', '1');
    const runner = runnerFor(events, reads, name);
    await runner.start();
    const error = await t.throwsAsync(runner.waitForPosition(await events.headPosition(), WAIT_MS), { instanceOf: ProjectionFailed });
    t.true(error?.reason instanceof ReadStoreWrongType);
    await runner.stop();
  });

  withStores('waitForPosition times out with the lagging projections named', async (t, events, reads, name) => {
    await deposit(events, 'u1', '1');
    const runner = runnerFor(events, reads, name);
    await runner.start();
    const error = await t.throwsAsync(runner.waitForPosition('999999999999', 50), { instanceOf: WaitTimeout });
    t.is(error?.lagging[0]?.projection, name);
    await runner.stop();
  });

  withStores('a newer version in a new deployment is rebuilt beside the old one and switched to when caught up', async (t, events, reads, name) => {
    const expected = await seed(events, SEED_EVENTS);
    const v1 = runnerFor(events, reads, name);
    await v1.start();
    await v1.waitForPosition(await events.headPosition(), WAIT_MS);
    await v1.stop();

    const v2 = runnerFor(events, reads, name, { version: 2, deleteReplacedVersions: true });
    const switched = new Promise<void>((resolve) => v2.onApplied((batch) => batch.version === 2 && resolve()));
    await v2.start();
    await v2.waitForPosition(await events.headPosition(), WAIT_MS);
    // the switch happens right after v2's catch-up batch commits
    const live = await deposit(events, 'u6', '1');
    await v2.waitForPosition(live, WAIT_MS);
    await switched;
    t.is(await reads.currentVersion(name), 2);
    expected.set('u6', expected.get('u6')!.plus('1'));
    await expectBalances(t, reads, name, expected);
    t.deepEqual(await reads.versions(name), [2], 'the replaced version was deleted');
    await v2.stop();

    // and an older deployment refuses to run against the newer model
    await t.throwsAsync(runnerFor(events, reads, name).start(), { instanceOf: VersionSuperseded });
  });

  withStores('rebuild: a new version builds from 0 beside the live one while events keep coming, then readers switch', async (t, events, reads, name) => {
    const expected = await seed(events, SEED_EVENTS);
    // v2's writes are held back until the test has looked at the state "during" the rebuild
    const gate = gatedStore(reads, 2);
    const runner = runnerFor(events, gate.store, name);
    await runner.start();
    await runner.waitForPosition(await events.headPosition(), WAIT_MS);
    const liveModel = await reads.exportVersion(name, 1);

    const { switched } = await runner.rebuild(balancesProjection({ name, version: 2 }));
    t.like(runner.status().find((s) => s.version === 2), { rebuilding: true, current: false });
    // readers stay on v1, which keeps projecting while v2 builds
    const during = await deposit(events, 'u2', '2');
    expected.set('u2', expected.get('u2')!.plus('2'));
    await runner.waitForPosition(during, WAIT_MS);
    t.is(await reads.currentVersion(name), 1);
    t.is(await (await reads.view(name))!.hget('balance:u2', 'USDT'), expected.get('u2')!.toFixed());
    t.true(gate.held() >= 1, 'v2 was building');
    t.is(await reads.checkpoint(name, 2), null);
    gate.release();
    await switched;
    t.is(await reads.currentVersion(name), 2);
    t.deepEqual(await reads.exportVersion(name, 2), await reads.exportVersion(name, 1), 'at the switch v2 holds what v1 held');
    const last = await deposit(events, 'u2', '3');
    expected.set('u2', expected.get('u2')!.plus('3'));
    await runner.waitForPosition(last, WAIT_MS);
    await expectBalances(t, reads, name, expected);
    t.deepEqual(runner.status().map((s) => [s.version, s.current]), [[2, true]]);
    t.notDeepEqual(await reads.exportVersion(name, 1), liveModel, 'v1 got the events up to the switch');
    t.deepEqual(await reads.versions(name), [1, 2], 'kept for inspection unless deleteReplacedVersions');
    await runner.stop();
  });

  withStores('a listener that throws is reported and does not stop the projection', async (t, events, reads, name) => {
    const errors: unknown[] = [];
    const runner = runnerFor(events, reads, name, { onError: (error) => errors.push(error) });
    runner.onApplied(() => {
      throw new Error('listener bug');
    });
    await runner.start();
    await deposit(events, 'u1', '1');
    const p = await deposit(events, 'u1', '2');
    await runner.waitForPosition(p, WAIT_MS);
    t.is(await (await reads.view(name))!.hget('balance:u1', 'USDT'), '3');
    t.true(errors.length >= 1);
    t.is((errors[0] as Error).message, 'listener bug');
    await runner.stop();
  });
}
