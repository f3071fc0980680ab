import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';

/** `npm start`'s entry as a real process: health over HTTP, clean exit on SIGTERM. */
test('the entry point opens the embedded store, serves /health and stops on SIGTERM', async (t) => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'oxc-start-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const child = spawn(process.execPath, ['--import', 'tsx', 'runtime/main.ts'], {
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, EVENTSTORE_URL: '', REDIS_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line in: ${output}`)), 20_000);
    child.stdout.on('data', () => {
      const match = /listening on port (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
  t.regex(output, new RegExp(`embedded store at ${path.join(dataDir, 'events').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));

  const health = await fetch(`http://127.0.0.1:${port}/health`);
  t.is(health.status, 200);
  t.deepEqual(await health.json(), { status: 'ok', headPosition: '0' });
  const missing = await fetch(`http://127.0.0.1:${port}/nope`);
  t.is(missing.status, 404);

  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  t.is(code, 0);
  t.regex(output, /stopped/);
});

test('a bad PORT is a clear configuration error and a non-zero exit', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'runtime/main.ts'], {
    env: { ...process.env, PORT: 'eighty' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const [code] = await once(child, 'exit');
  t.is(code, 1);
  t.regex(errors, /PORT must be an integer/);
});
