import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openEmbeddedStore } from '../../eventstore/embedded/index.js';
import { auditLog } from '../support/ledgerAudit.js';
import { makeTempDir } from '../support/tmpdir.js';

/**
 * A child runs the whole runtime under a random order flow and is SIGKILLed at random moments
 * (CRASH_ROUNDS, default 3). After each restart the work is picked up where the log says; at
 * the end a settling child must reach idle, and the log must audit clean: ledger invariants, no
 * order left PENDING or holding funds or quantity after it ended, every trade leg settled once.
 */
const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 3);
const CHILD = fileURLToPath(new URL('./support/crashChild.ts', import.meta.url));

function startChild(dataDir: string, mode: string, seed: number): { child: ChildProcess; ready: Promise<void>; exited: Promise<{ code: number | null; out: string; err: string }> } {
  const child = spawn(process.execPath, ['--import=tsx', CHILD, dataDir, mode, String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let onReady!: () => void;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('ready')) onReady();
  });
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ code: number | null; out: string; err: string }>((resolve) => child.on('exit', (code) => resolve({ code, out, err })));
  return { child, ready, exited };
}

test('SIGKILL at random moments: after each restart the system settles and the log audits clean', async (t) => {
  const tmp = await makeTempDir('oec-crash-');
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const { child, ready, exited } = startChild(tmp.dir, 'run', 1000 + round);
      const outcome = await Promise.race([ready.then(() => 'ready'), exited.then((e) => `exited ${e.code}: ${e.err}`)]);
      t.is(outcome, 'ready');
      // let it work for a random while, then kill it without warning
      await new Promise((resolve) => setTimeout(resolve, 300 + Math.floor(Math.random() * 900)));
      child.kill('SIGKILL');
      const result = await exited;
      t.is(result.code, null, result.err);
    }
    const settle = startChild(tmp.dir, 'settle', 0);
    const result = await settle.exited;
    t.is(result.code, 0, result.err);
    t.regex(result.out, /"idle":true/);
    const store = await openEmbeddedStore({ dir: join(tmp.dir, 'events'), onRecovery: () => undefined });
    try {
      const { problems, fold } = await auditLog(store);
      t.deepEqual(problems, []);
      t.true(fold.events.some((e) => e.type === 'TradeExecuted'), 'the flow traded');
      t.true(fold.events.some((e) => e.type === 'OrderCancelled'), 'the flow cancelled');
    } finally {
      await store.close();
    }
  } finally {
    await tmp.remove();
  }
});
