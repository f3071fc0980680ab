/**
 * End-to-end benchmark (npm run bench:e2e): N users place random crossing limit orders through
 * the command API (no HTTP) until everything is matched, settled, journaled and the system is
 * idle. Prints one JSON line per case: orders/s, CPU ms per order (whole process, and per thread:
 * the busiest thread bounds the throughput), trades/s, events/s, and p50/p99 from placement
 * to NEW (OrderAccepted) and from placement to settled (the order's OrderFilled, which is written
 * after both the position's and the account's leg appends).
 *
 * Env: BENCH_ORDERS (default 20000), BENCH_USERS (100), BENCH_CONCURRENCY (512 placements in
 * flight, closed loop), BENCH_RATE (orders/s, open loop; 0 = closed loop), BENCH_STORE
 * (embedded | emulator), BENCH_THREAD=1 (workflows in a worker thread), BENCH_PROFILE=1 (runner counters).
 */
import { performance } from 'node:perf_hooks';
import { readFileSync, readdirSync } from 'node:fs';
import { mulberry32 as prng } from '../matching/workload/prng.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedStore } from '../eventstore/embedded/index.js';
import type { EventStore } from '../eventstore/port.js';
import { createRuntime } from '../runtime/runtime.js';
import { RUNTIME_NODE_FLAGS, ensureNodeFlags } from '../runtime/nodeFlags.js';

// the runtime's V8 flags, as `npm start` runs it (OEC_RUNTIME_DEFAULT_HEAP=1: V8's defaults)
ensureNodeFlags(RUNTIME_NODE_FLAGS, 'OEC_RUNTIME_DEFAULT_HEAP');

const ORDERS = Number(process.env.BENCH_ORDERS ?? 20000);
const USERS = Number(process.env.BENCH_USERS ?? 100);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 512);
const RATE = Number(process.env.BENCH_RATE ?? 0);
const STORE = process.env.BENCH_STORE ?? 'embedded';
/** the workflow runner in its own thread (runtime option workflowsThread) */
const THREAD = process.env.BENCH_THREAD === '1';


function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function openStore(dir: string): Promise<{ store: EventStore; close(): Promise<void>; remote: boolean }> {
  if (STORE === 'emulator') {
    // the EventStoreDB adapter over the real client and real gRPC, backed by an embedded store
    const { startEmulatorHarness } = await import('../test/esdb/support/harness.js');
    const harness = await startEmulatorHarness({ batchAppend: false });
    return { store: harness.connect(), close: () => harness.close(), remote: true };
  }
  const store = await openEmbeddedStore({ dir: join(dir, 'events') });
  return { store, close: () => store.close(), remote: false };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'oec-bench-e2e-'));
  const opened = await openStore(dir);
  const runtime = await createRuntime({ store: opened.store, dataDir: dir, remoteStore: opened.remote, workflowsThread: THREAD, onError: () => undefined });
  const { exchange, system } = runtime;
  try {
    await exchange.createInstrument({
      symbol: 'BTC-PERP', quoteAsset: 'USDT', contractSize: '0.001', tickSize: '0.1', lotSize: '1', makerFeeRate: '0.0002', takerFeeRate: '0.0005',
      initialMarginRate: '0.01', maintenanceMarginRate: '0.005', maxLeverage: 100, defaultLeverage: 10,
    });
    const users = Array.from({ length: USERS }, (_, i) => `u${i}`);
    await Promise.all(users.map((u) => exchange.createUser({ userId: u, name: u, apiKeyHash: `h${u}` })));
    await Promise.all(users.map((u) => exchange.deposit(u, 'USDT', '1000000000', `dep-${u}`)));
    await system.waitForIdle(60_000);

    const placedAt = new Map<string, number>();
    const toNew: number[] = [];
    const toSettled: number[] = [];
    let trades = 0;
    const watch = opened.store.subscribeToAll({ fromPosition: await opened.store.headPosition(), filter: { eventTypes: ['OrderAccepted', 'OrderRejected', 'OrderFilled', 'TradeExecuted'] } });
    const watching = (async () => {
      for await (const m of watch) {
        if (m.kind !== 'event') continue;
        const e = m.event;
        if (e.type === 'TradeExecuted') {
          trades += 1;
          continue;
        }
        const t0 = placedAt.get(e.data['orderId'] as string);
        if (t0 === undefined) continue;
        if (e.type === 'OrderFilled') toSettled.push(performance.now() - t0);
        else toNew.push(performance.now() - t0);
      }
    })();

    const random = prng(42);
    const headBefore = BigInt(await opened.store.headPosition());
    const eventsBefore = await countEvents(opened.store);
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const threadsStart = threadCpuMs();
    let next = 0;
    const placeOne = async (i: number) => {
      const user = users[Math.floor(random() * users.length)]!;
      const side = random() < 0.5 ? 'BUY' : 'SELL';
      const offsetTicks = Math.floor(random() * 20) - (side === 'BUY' ? 5 : 14);
      const price = (500000 + offsetTicks) / 10;
      const qty = String(1 + Math.floor(random() * 10));
      const t0 = performance.now();
      const result = await exchange.placeOrder(user, { symbol: 'BTC-PERP', side, type: 'LIMIT', price: price.toFixed(1).replace(/\.0$/, ''), qty, clientOrderId: `o${i}` });
      placedAt.set(result.orderId, t0);
    };
    if (RATE > 0) {
      const inFlight = new Set<Promise<void>>();
      while (next < ORDERS) {
        const due = Math.floor(((performance.now() - start) / 1000) * RATE);
        while (next < Math.min(due, ORDERS)) {
          const p = placeOne(next++).finally(() => inFlight.delete(p));
          inFlight.add(p);
        }
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      await Promise.all(inFlight);
    } else {
      const workers = Array.from({ length: CONCURRENCY }, async () => {
        while (next < ORDERS) await placeOne(next++);
      });
      await Promise.all(workers);
    }
    const placedMs = performance.now() - start;
    await system.waitForIdle(600_000);
    const seconds = (performance.now() - start) / 1000;
    // CPU of the whole process (all threads) per order: robust to a machine shared with other work
    const cpu = process.cpuUsage(cpuStart);
    const threadsMsPerOrder = perOrder(threadsStart, threadCpuMs());
    await watch.close();
    await watching;
    const events = (await countEvents(opened.store)) - eventsBefore;
    toNew.sort((a, b) => a - b);
    toSettled.sort((a, b) => a - b);
    const line = {
      bench: 'e2e', store: STORE, workflows: THREAD ? 'thread' : 'in-process', mode: RATE > 0 ? `open-loop ${RATE}/s` : `closed-loop ${CONCURRENCY}`, orders: ORDERS, users: USERS,
      seconds: Number(seconds.toFixed(2)), placementSeconds: Number((placedMs / 1000).toFixed(2)),
      ordersPerSec: Math.round(ORDERS / seconds), cpuMsPerOrder: Number(((cpu.user + cpu.system) / 1000 / ORDERS).toFixed(3)), threadsMsPerOrder, tradesPerSec: Math.round(trades / seconds), eventsPerSec: Math.round(events / seconds), trades, events,
      newP50Ms: Number(percentile(toNew, 50).toFixed(2)), newP99Ms: Number(percentile(toNew, 99).toFixed(2)),
      settledP50Ms: Number(percentile(toSettled, 50).toFixed(2)), settledP99Ms: Number(percentile(toSettled, 99).toFixed(2)), settledOrders: toSettled.length,
      headGrowth: String(BigInt(await opened.store.headPosition()) - headBefore),
      ...(process.env.BENCH_PROFILE ? { runner: runtime.workflows?.stats, storeStats: (opened.store as { stats?: () => unknown }).stats?.(), engineWalSyncs: runtime.matching?.engine('BTC-PERP')?.walSyncCount } : {}),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  } finally {
    await runtime.stop();
    await opened.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * CPU milliseconds of each thread of this process (Linux /proc; empty elsewhere):
 * the thread that is busiest per order bounds the throughput. Wall-clock busy time would not
 * do on a shared machine, where a thread waiting for a core still looks busy.
 */
function threadCpuMs(): Map<string, number> {
  const byName = new Map<string, number>();
  try {
    const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const name = tid === String(process.pid) ? 'main' : `${stat.slice(stat.indexOf('(') + 1, close)}:${tid}`;
      const fields = stat.slice(close + 2).split(' ');
      const ms = (Number(fields[11]) + Number(fields[12])) / ticksPerMs;
      byName.set(name, ms);
    }
  } catch {
    // no /proc: the per-thread split is left out
  }
  return byName;
}

/**
 * Per order: the main thread, the busiest other thread (the workflows thread when BENCH_THREAD=1;
 * otherwise one of V8's helpers) and all other threads together (V8's compiler and GC helpers,
 * libuv's pool doing writes and fsyncs).
 */
function perOrder(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const used = [...after].map(([name, ms]) => ({ name, ms: ms - (before.get(name) ?? 0) }));
  const main = used.find((u) => u.name === 'main')?.ms ?? 0;
  const others = used.filter((u) => u.name !== 'main').sort((a, b) => b.ms - a.ms);
  const busiest = others[0]?.ms ?? 0;
  const rest = others.slice(1).reduce((sum, u) => sum + u.ms, 0);
  const ms = (value: number) => Number((value / ORDERS).toFixed(3));
  return { main: ms(main), busiestOtherThread: ms(busiest), otherThreads: ms(rest) };
}

async function countEvents(store: EventStore): Promise<number> {
  let n = 0;
  for await (const _ of store.readAll()) n++;
  return n;
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
