/**
 * Proof of reserves end to end at scale: BENCH_POR_USERS users (default 100,000) registered and
 * funded, one in BENCH_POR_TRADER_EVERY (default 10) of them trading a pair of positions, a
 * funded insurance account and a forced liquidation — produced by the domain deciders via the
 * test log builder into an embedded store on disk (cached under BENCH_DIR, reused). Then timed:
 * the log fold to the latest quiescent position, the equities, the Merkle-sum tree with every
 * proof, the reconciliation, and writing the published files. One JSON line. The fold runs in
 * two threads (scripts/replay/parallel.ts); BENCH_FOLD_THREADS=1 measures the one-thread fold.
 * The fold's state hash is computed while the proof files are written (runAndWriteProofOfReserves);
 * BENCH_POR_SEQUENTIAL=1 computes it at the end of the fold instead, then writes.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openEmbeddedStore } from '../eventstore/embedded/index.js';
import { runAndWriteProofOfReserves, runProofOfReserves, writeProofOfReserves, type PorResult } from '../scripts/por/run.js';
import { ensureReplayHeap } from '../scripts/replay/heap.js';
import { LogBuilder } from '../test/support/logBuilder.js';

const users = Number(process.env.BENCH_POR_USERS ?? 100_000);
const traderEvery = Number(process.env.BENCH_POR_TRADER_EVERY ?? 10);
const root = path.join(process.env.BENCH_DIR ?? tmpdir(), `oec-por-bench-${users}-${traderEvery}`);
const eventsDir = path.join(root, 'events');

/** Writes in slices so the builder's event list stays bounded in memory. */
async function history(): Promise<void> {
  if (existsSync(path.join(root, 'complete'))) return;
  await rm(root, { recursive: true, force: true });
  const started = performance.now();
  const store = await openEmbeddedStore({ dir: eventsDir });
  const b = new LogBuilder();
  b.listInstrument();
  b.fundInsurance('1000000');
  b.setMark('50000');
  let written = 0;
  const flush = async () => {
    await b.writeTo(store, { from: written });
    written = b.events.length;
  };
  for (let i = 0; i < users; i += 1) {
    const id = `user-${String(i).padStart(7, '0')}`;
    b.registerUser(id).deposit(id, String(1000 + (i % 997)));
    // a trader pair: the even one rests a bid, the odd one sells into it (a long and a short)
    if (i % traderEvery === 1) {
      const maker = `user-${String(i - 1).padStart(7, '0')}`;
      const price = (50000 + ((i * 7) % 200) / 10).toFixed(1);
      const bid = b.place({ userId: maker, side: 'BUY', qty: String(1 + (i % 9)), price });
      const sell = b.place({ userId: id, side: 'SELL', qty: String(1 + (i % 9)), price }, { rest: false });
      b.take(sell.orderId, [{ orderId: bid.orderId, qty: String(1 + (i % 9)) }]);
    }
    if (b.events.length - written > 20_000) await flush();
  }
  b.liquidate('user-0000000', '49000');
  b.setMark('50010.5');
  await flush();
  await store.close();
  await import('node:fs/promises').then((fs) => fs.writeFile(path.join(root, 'complete'), `${written}\n`));
  process.stderr.write(`generated ${written} events in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
}

ensureReplayHeap();
await history();
const store = await openEmbeddedStore({ dir: eventsDir });
const out = path.join(root, `audit-${process.pid}`);
const started = performance.now();
const foldThreads = process.env.BENCH_FOLD_THREADS === '1' ? 1 : 2;
const cpuAtStart = process.cpuUsage();
const secrets = path.join(out, '..', `secrets-${process.pid}`);
// BENCH_POR_SEQUENTIAL=1: the state hash at the end of the fold, then the files (the two-step API)
const sequential = process.env.BENCH_POR_SEQUENTIAL === '1';
let result: PorResult;
if (sequential) {
  result = await runProofOfReserves(store, { at: 'latest', parallelFold: foldThreads === 2 });
  await writeProofOfReserves(result, out, secrets);
} else {
  ({ result } = await runAndWriteProofOfReserves(store, { at: 'latest', parallelFold: foldThreads === 2 }, out, secrets));
}
const totalMs = Math.round(performance.now() - started);
const cpu = process.cpuUsage(cpuAtStart);
await store.close();
await rm(out, { recursive: true, force: true });
await rm(secrets, { recursive: true, force: true });

process.stdout.write(`${JSON.stringify({
  case: 'proof of reserves: fold + equity + tree/proofs + reconciliation + write',
  users,
  includedUsers: result.audit.root.userCount,
  excludedUsers: result.audit.root.excludedUserCount,
  events: result.fold.counts.events,
  reconciled: result.report.ok,
  mismatches: result.report.mismatches.length,
  // write: from the tree to the published root — the proof files, and (unless sequential) the
  // fold's state hash and the reconciliation computed meanwhile
  ms: { ...result.timingsMs, write: totalMs - result.timingsMs.fold - result.timingsMs.equity - result.timingsMs.tree, total: totalMs },
  sequential,
  seconds: Number((totalMs / 1000).toFixed(2)),
  // CPU seconds of the process (all its threads): the machine may be shared, wall time alone misleads
  cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
  foldThreads,
  targetSeconds: 20,
})}\n`);
