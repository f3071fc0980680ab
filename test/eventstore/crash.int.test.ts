import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { openEmbeddedStore } from '../../eventstore/embedded/index.js';
import type { RecordedEvent } from '../../eventstore/port.js';
import { makeTempDir } from '../support/tmpdir.js';

const ITERATIONS = Number(process.env.CRASH_ITERATIONS ?? 4);
const APPENDER = fileURLToPath(new URL('./support/appender.ts', import.meta.url));

interface Ack {
  stream: string;
  appendId: string;
  ids: string[];
  nextRevision: number;
  position: string;
}

/** Runs the appender until it has acknowledged `killAfterAcks` appends, then SIGKILLs it. */
async function appendThenKill(dir: string, killAfterAcks: number): Promise<Ack[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', APPENDER, dir, '8'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const acks: Ack[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout });
  let killed = false;
  for await (const line of lines) {
    const message = JSON.parse(line) as Ack | { ready: true };
    if ('ready' in message) continue;
    acks.push(message);
    if (!killed && acks.length >= killAfterAcks) {
      killed = true;
      child.kill('SIGKILL');
    }
  }
  await exited;
  if (!killed) throw new Error(`appender exited by itself after ${acks.length} acks`);
  return acks;
}

test('SIGKILL under load: every acknowledged append survives, none is half visible', async (t) => {
  const temp = await makeTempDir('oec-crash-');
  const dir = join(temp.dir, 'events');
  try {
    const allAcks: Ack[] = [];
    for (let iteration = 0; iteration < ITERATIONS; iteration++) {
      allAcks.push(...(await appendThenKill(dir, 200 + Math.floor(Math.random() * 800))));

      const store = await openEmbeddedStore({ dir, onRecovery: () => undefined });
      try {
        const byStream = new Map<string, RecordedEvent[]>();
        for await (const event of store.readAll({ filter: { streamPrefixes: ['crash-'] } })) {
          byStream.set(event.stream, [...(byStream.get(event.stream) ?? []), event]);
        }
        for (const ack of allAcks) {
          const stored = byStream.get(ack.stream) ?? [];
          const first = ack.nextRevision - ack.ids.length + 1;
          t.deepEqual(stored.slice(first, ack.nextRevision + 1).map((e) => e.id), ack.ids, `ack of ${ack.appendId} lost`);
          t.is(stored[ack.nextRevision]?.position, ack.position);
        }
        // all or nothing per append, acknowledged or not
        const counts = new Map<string, { seen: number; of: number }>();
        for (const events of byStream.values()) {
          events.forEach((e, revision) => t.is(e.revision, revision));
          for (const e of events) {
            const key = e.data.appendId as string;
            const entry = counts.get(key) ?? { seen: 0, of: e.data.of as number };
            entry.seen += 1;
            counts.set(key, entry);
          }
        }
        for (const [appendId, { seen, of }] of counts) if (seen !== of) t.fail(`append ${appendId} half visible: ${seen} of ${of}`);
      } finally {
        await store.close();
      }
    }
    t.true(allAcks.length >= ITERATIONS * 200);
  } finally {
    await temp.remove();
  }
});
