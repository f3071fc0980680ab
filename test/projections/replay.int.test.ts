import test from 'ava';
import { createInMemoryStore } from '../../eventstore/embedded/index.js';
import type { Position } from '../../eventstore/port.js';
import { allProjections } from '../../projections/index.js';
import { createProjectionRunner } from '../../projections/runner/index.js';
import { createMemoryReadStore } from '../../projections/store/memory.js';
import type { DumpValue } from '../../projections/store/port.js';
import { runReplay } from '../../scripts/replay/cli.js';
import { compareWithLive } from '../../scripts/replay/compare.js';
import { foldLog } from '../../scripts/replay/fold.js';
import { randomScenario } from '../support/logBuilder.js';

const STEPS = Number(process.env.REPLAY_TEST_STEPS ?? 600);
const versions = Object.fromEntries(allProjections.map((p) => [p.name, p.version]));

async function exportAll(store: ReturnType<typeof createMemoryReadStore>): Promise<Record<string, Record<string, DumpValue>>> {
  const out: Record<string, Record<string, DumpValue>> = {};
  for (const p of allProjections) out[p.name] = await store.exportVersion(p.name, p.version);
  return out;
}

test('replay of a long random scenario: zero violations, quiescent end, the same state hash on two runs, and the live models match', async (t) => {
  const builder = randomScenario({ seed: 42, steps: STEPS });
  t.deepEqual(builder.exchange.audit(), []);
  const eventStore = createInMemoryStore();
  await builder.writeTo(eventStore);
  const first = await foldLog(eventStore);
  const second = await foldLog(eventStore);
  t.deepEqual(first.violations, []);
  t.true(first.quiescentAtEnd);
  t.is(first.counts.events, builder.events.length);
  t.regex(first.stateHash, /^[0-9a-f]{64}$/);
  t.is(second.stateHash, first.stateHash);
  // the live runner (small batches) builds the same models as the replay
  const live = createMemoryReadStore();
  const runner = createProjectionRunner({ eventStore, readStore: live, projections: allProjections, batchMaxEvents: 50 });
  await runner.start();
  await runner.waitForPosition(await eventStore.headPosition(), 20_000);
  await runner.stop();
  t.deepEqual((await compareWithLive(first.models, versions, live)).differences, []);
  // another log gives another hash
  const other = randomScenario({ seed: 43, steps: 50 });
  const otherStore = createInMemoryStore();
  await other.writeTo(otherStore);
  t.not((await foldLog(otherStore)).stateHash, first.stateHash);
  await eventStore.close();
  await otherStore.close();
});

test('idempotency: every event delivered twice (the second batch is refused by the checkpoint) leaves the models identical', async (t) => {
  const builder = randomScenario({ seed: 5, steps: Math.min(STEPS, 300) });
  const eventStore = createInMemoryStore();
  await builder.writeTo(eventStore);
  const store = createMemoryReadStore();
  for (const projection of allProjections) {
    let state = projection.initialState();
    for await (const event of eventStore.readAll({ filter: projection.filter! })) {
      const step = projection.apply(state, event);
      state = step.state;
      t.true((await store.applyBatch(projection.name, projection.version, step.writes, event.position)).applied);
      // redelivery: the writes are absolute, and the checkpoint guard refuses the repeat
      t.false((await store.applyBatch(projection.name, projection.version, step.writes, event.position)).applied);
    }
  }
  const replayed = await foldLog(eventStore);
  t.deepEqual(await exportAll(store), replayed.models);
  await eventStore.close();
});

test('time travel: --to a mid quiescent position equals the live models at that position; a position mid-work folds back to the last quiescent one', async (t) => {
  const builder = randomScenario({ seed: 11, steps: STEPS });
  const eventStore = createInMemoryStore();
  const half = Math.floor(builder.events.length / 2);
  // cut at a command boundary: the builder finishes every reaction of a command before the next
  let cut = half;
  while (builder.events[cut]!.occurredAt === builder.events[cut - 1]!.occurredAt) cut += 1;
  const mid = await builder.writeTo(eventStore, { to: cut });
  const live = createMemoryReadStore();
  const runner = createProjectionRunner({ eventStore, readStore: live, projections: allProjections });
  await runner.start();
  await runner.waitForPosition(mid, 20_000);
  const liveAtMid = await exportAll(live);
  await builder.writeTo(eventStore, { from: cut });
  await runner.waitForPosition(await eventStore.headPosition(), 20_000);
  await runner.stop();

  const atMid = await foldLog(eventStore, { to: mid });
  t.is(atMid.position, mid);
  t.is(atMid.quiescentPosition, mid);
  t.deepEqual(atMid.violations, []);
  t.deepEqual(atMid.models, liveAtMid);

  // a position inside the next command's reactions is not quiescent: the fold stops at mid
  const events: { position: Position; type: string }[] = [];
  for await (const e of eventStore.readAll({ fromPosition: mid, maxCount: 3 })) events.push({ position: e.position, type: e.type });
  const inside = await foldLog(eventStore, { to: events[1]!.position });
  t.is(inside.requestedPosition, events[1]!.position);
  t.true(BigInt(inside.position) <= BigInt(events[1]!.position));
  t.is(inside.quiescentPosition, inside.position);
  t.deepEqual(inside.violations, []);

  // the CLI: --to as an ISO time (commit time), JSON report, exit 0
  const out: string[] = [];
  const code = await runReplay(['--json', '--to', new Date(Date.now() + 60_000).toISOString()], { env: {}, stdout: (s) => out.push(s), stderr: () => undefined, isTty: false, eventStore });
  t.is(code, 0);
  const report = JSON.parse(out.join(''));
  t.is(report.ok, true);
  t.is(report.position, await eventStore.headPosition());
  t.is(report.stateHash, (await foldLog(eventStore)).stateHash);
  t.true(report.ledger.some((row: { book: string; account: string }) => row.book === 'PLATFORM' && row.account === 'custody.wallet'));
  await eventStore.close();
});
