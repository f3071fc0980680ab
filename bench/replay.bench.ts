/**
 * npm run bench:replay — replay + audit of a generated history from the embedded store, and
 * projection of the same history into Redis through the projection runner. One JSON line per
 * case. The history (BENCH_EVENTS, default 1,000,000 events, produced by the domain deciders via
 * the test log builder) is cached under BENCH_DIR (default the OS temp dir) and reused.
 * Like the replay CLI, it runs with the replay's heap settings (scripts/replay/heap.ts);
 * OEC_REPLAY_DEFAULT_HEAP=1 measures with V8's defaults instead. BENCH_RUNS runs each case
 * that many times and reports the median. The fold of the on-disk store runs in two threads
 * (scripts/replay/parallel.ts); BENCH_FOLD_THREADS=1 measures the one-thread fold instead.
 * BENCH_SKIP_REDIS=1 runs the replay case only.
 */
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openEmbeddedStore } from '../eventstore/embedded/index.js';
import { allProjections } from '../projections/index.js';
import { createProjectionRunner } from '../projections/runner/index.js';
import { openRedisReadStore } from '../projections/store/redis/adapter.js';
import { foldLog } from '../scripts/replay/fold.js';
import { ensureReplayHeap } from '../scripts/replay/heap.js';
import { randomScenario } from '../test/support/logBuilder.js';
import { startRedisServer } from '../test/support/redisServer.js';

ensureReplayHeap();

const target = Number(process.env.BENCH_EVENTS ?? 1_000_000);
/** runs of each case; the line reports the median run (and every run's figure) */
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 1));
const root = path.join(process.env.BENCH_DIR ?? tmpdir(), `oec-replay-bench-${target}`);
const foldThreads = process.env.BENCH_FOLD_THREADS === '1' ? 1 : 2;
const dir = path.join(root, 'events');
/** written once the history is complete, so an interrupted generation is not taken for a history */
const marker = path.join(root, 'complete.json');

async function history(): Promise<void> {
  if (existsSync(marker)) return;
  if (existsSync(dir)) await rm(dir, { recursive: true });
  const started = performance.now();
  const store = await openEmbeddedStore({ dir });
  // one long session; a step yields 10 to 17 events (the 1,000,000 target gives 1,086,871)
  const builder = randomScenario({ seed: 1000, steps: Math.ceil(target / 9), users: 50 });
  await builder.writeTo(store);
  await store.close();
  await writeFile(marker, JSON.stringify({ events: builder.events.length }));
  process.stderr.write(`generated ${builder.events.length} events in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
}

function line(record: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

/** CPU seconds of this process (all its threads): the machine may be shared, wall time alone misleads */
function cpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

interface Run {
  events: number;
  seconds: number;
  cpuSeconds: number;
}

function summary(name: string, all: Run[], extra: Record<string, unknown>): void {
  const sorted = [...all].sort((a, b) => a.seconds - b.seconds);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  line({
    case: name, events: median.events, seconds: Number(median.seconds.toFixed(2)), eventsPerSecond: Math.round(median.events / median.seconds),
    cpuSeconds: Number(median.cpuSeconds.toFixed(2)), runs: all.map((r) => Math.round(r.events / r.seconds)), ...extra,
  });
}

await history();
const store = await openEmbeddedStore({ dir });
const head = await store.headPosition();

{
  const all: Run[] = [];
  let last: Awaited<ReturnType<typeof foldLog>> | undefined;
  for (let run = 0; run < runs; run++) {
    // the previous run's models are garbage before the next run starts
    last = undefined;
    const started = performance.now();
    const cpu = cpuSeconds();
    const result = await foldLog(store, { allowPendingAtEnd: true, parallel: foldThreads === 2 });
    all.push({ events: result.counts.events, seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSeconds() - cpu });
    last = result;
  }
  summary('replay+audit embedded→memory', all, { threads: foldThreads, violations: last!.violations.length, stateHash: last!.stateHash, targetEventsPerSecond: 150_000 });
}

if (process.env.BENCH_SKIP_REDIS !== '1') {
  let events = 0;
  for await (const _ of store.readAll()) events += 1;
  const all: Run[] = [];
  for (let run = 0; run < runs; run++) {
    const redis = await startRedisServer();
    const readStore = await openRedisReadStore({ url: redis.url });
    const started = performance.now();
    const cpu = cpuSeconds();
    const runner = createProjectionRunner({ eventStore: store, readStore, projections: allProjections });
    await runner.start();
    await runner.waitForPosition(head, 3_600_000);
    all.push({ events, seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSeconds() - cpu });
    await runner.stop();
    await readStore.close();
    await redis.stop();
  }
  summary('project embedded→redis (all projections)', all, { targetEventsPerSecond: 30_000 });
}
await store.close();
