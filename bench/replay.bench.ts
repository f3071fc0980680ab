/**
 * npm run bench:replay — replay + audit of a generated history from the embedded store, and
 * projection of the same history into Redis through the projection runner. One JSON line per
 * case. The history (BENCH_EVENTS, default 1,000,000 events, produced by the domain deciders via
 * the test log builder) is cached under BENCH_DIR (default the OS temp dir) and reused.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openEmbeddedStore } from '../eventstore/embedded/index.js';
import { allProjections } from '../projections/index.js';
import { createProjectionRunner } from '../projections/runner/index.js';
import { openRedisReadStore } from '../projections/store/redis/adapter.js';
import { foldLog } from '../scripts/replay/fold.js';
import { randomScenario } from '../test/support/logBuilder.js';
import { startRedisServer } from '../test/support/redisServer.js';

const target = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const dir = path.join(process.env.BENCH_DIR ?? tmpdir(), `oec-replay-bench-${target}`, 'events');

async function history(): Promise<void> {
  if (existsSync(dir)) return;
  const started = performance.now();
  const store = await openEmbeddedStore({ dir });
  // one long session; a step yields about 9.5 events
  const builder = randomScenario({ seed: 1000, steps: Math.ceil(target / 9), users: 50 });
  await builder.writeTo(store);
  await store.close();
  process.stderr.write(`generated ${builder.events.length} events in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
}

function line(record: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

await history();
const store = await openEmbeddedStore({ dir });
const head = await store.headPosition();

{
  const started = performance.now();
  const result = await foldLog(store, { allowPendingAtEnd: true });
  const seconds = (performance.now() - started) / 1000;
  line({ case: 'replay+audit embedded→memory', events: result.counts.events, seconds: Number(seconds.toFixed(2)), eventsPerSecond: Math.round(result.counts.events / seconds), violations: result.violations.length, stateHash: result.stateHash, targetEventsPerSecond: 150_000 });
}

{
  const redis = await startRedisServer();
  const readStore = await openRedisReadStore({ url: redis.url });
  const started = performance.now();
  const runner = createProjectionRunner({ eventStore: store, readStore, projections: allProjections });
  await runner.start();
  await runner.waitForPosition(head, 3_600_000);
  const seconds = (performance.now() - started) / 1000;
  await runner.stop();
  let events = 0;
  for await (const _ of store.readAll()) events += 1;
  line({ case: 'project embedded→redis (all projections)', events, seconds: Number(seconds.toFixed(2)), eventsPerSecond: Math.round(events / seconds), targetEventsPerSecond: 30_000 });
  await readStore.close();
  await redis.stop();
}
await store.close();
