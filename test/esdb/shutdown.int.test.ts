import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import test from 'ava';
import { EsdbEventStore } from '../../eventstore/esdb/store.js';
import { NO_STREAM } from '../../eventstore/port.js';

const EXIT_BOUND_MS = 15_000;
const SCENARIO = fileURLToPath(new URL('./support/shutdownScenario.ts', import.meta.url));
const MAIN = fileURLToPath(new URL('../support/esdb-emulator/main.ts', import.meta.url));

function exitWithin(child: ReturnType<typeof spawn>, what: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not exit within ${EXIT_BOUND_MS} ms (leaked handle)`));
    }, EXIT_BOUND_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

for (const path of ['batch', 'append']) {
  test(`adapter, client and emulator close cleanly and the process exits by itself (${path})`, async (t) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCENARIO, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    t.is(await exitWithin(child, 'scenario'), 0);
    t.is(output.trim(), 'closed');
  });
}

test('npm run esdb:emulator serves until SIGTERM, then exits 0', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--port', '0', '--memory'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const [first] = (await once(lines, 'line')) as [string];
  const { connectionString } = JSON.parse(first) as { connectionString: string };
  t.regex(connectionString, /^esdb:\/\/127\.0\.0\.1:\d+\?tls=false$/);
  const adapter = new EsdbEventStore({ connectionString });
  const result = await adapter.append('cli-a', [{ id: randomUUID(), type: 'ThingHappened', data: { ok: true }, metadata: {} }], NO_STREAM);
  t.is(result.nextRevision, 0);
  t.deepEqual((await adapter.readStream('cli-a')).map((e) => e.data), [{ ok: true }]);
  await adapter.close();
  child.kill('SIGTERM');
  t.is(await exitWithin(child, 'emulator CLI'), 0);
});
