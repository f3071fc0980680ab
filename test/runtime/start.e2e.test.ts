import test from 'ava';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { createHash } from 'node:crypto';

/** `npm start`'s entry as a real process: the whole exchange on one port, stopped by SIGTERM. */
function start(dataDir: string, env: Record<string, string> = {}): { child: ChildProcessWithoutNullStreams; output: () => string; port: Promise<number> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'runtime/main.ts'], {
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, EVENTSTORE_URL: '', REDIS_URL: '', ADMIN_API_KEY: '', ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const port = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line in: ${output}`)), 30_000);
    const check = () => {
      const match = /listening on port (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', check);
    child.once('exit', () => reject(new Error(`exited before listening: ${output}`)));
  });
  return { child, output: () => output, port };
}

async function stop(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [code] = await exited;
  return code as number | null;
}

async function graphql(port: number, query: string, apiKey?: string): Promise<{ data?: any; errors?: any[] }> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: any; errors?: any[] };
}

test('npm start: embedded store, demo instruments, admin key printed once (hash kept), /health, GraphQL, SIGTERM; a restart keeps the key', async (t) => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'oxc-start-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));

  const first = start(dataDir);
  const port = await first.port;
  t.regex(first.output(), new RegExp(`embedded store at ${path.join(dataDir, 'events').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  const adminKey = /admin key \(shown once[^)]*\): (\S+)/.exec(first.output())?.[1];
  t.truthy(adminKey);
  // only the hash is on disk
  t.is((await readFile(path.join(dataDir, 'admin-key.sha256'), 'utf8')).trim(), createHash('sha256').update(adminKey!).digest('hex'));

  const health = await fetch(`http://127.0.0.1:${port}/health`);
  t.is(health.status, 200);
  const body = (await health.json()) as { status: string; headPosition: string };
  t.is(body.status, 'ok');
  t.not(body.headPosition, '0');

  const instruments = await graphql(port, '{ instruments { symbol quoteAsset } }');
  t.deepEqual(instruments.data?.instruments, [{ symbol: 'BTC-PERP', quoteAsset: 'USDT' }, { symbol: 'ETH-PERP', quoteAsset: 'USDT' }]);
  const created = await graphql(port, 'mutation { createUser(name: "carol") { userId } }', adminKey);
  t.truthy(created.data?.createUser.userId);
  t.is((await fetch(`http://127.0.0.1:${port}/nope`)).status, 404);

  t.is(await stop(first.child), 0);
  t.regex(first.output(), /stopped/);

  const second = start(dataDir);
  const port2 = await second.port;
  t.notRegex(second.output(), /shown once/);
  t.notRegex(second.output(), /listed demo instrument/);
  const again = await graphql(port2, 'mutation { createUser(name: "dave") { userId } }', adminKey);
  t.truthy(again.data?.createUser.userId, JSON.stringify(again));
  const users = await graphql(port2, `{ account(userId: "${created.data.createUser.userId}") { userId } }`, adminKey);
  t.is(users.data?.account.userId, created.data.createUser.userId);
  t.is(await stop(second.child), 0);
});

test('npm start with WORKFLOWS_THREAD=1: the workflows run in their own thread and a deposit is posted', async (t) => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'oxc-start-thread-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const node = start(dataDir, { WORKFLOWS_THREAD: '1' });
  const port = await node.port;
  t.regex(node.output(), /workflows: in their own thread/);
  const adminKey = /admin key \(shown once[^)]*\): (\S+)/.exec(node.output())?.[1];
  const created = await graphql(port, 'mutation { createUser(name: "erin") { userId } }', adminKey);
  const userId = created.data?.createUser.userId as string;
  t.truthy(userId, JSON.stringify(created));
  const deposited = await graphql(port, `mutation { deposit(userId: "${userId}", asset: "USDT", amount: "125.5", txId: "t-1") { balances { asset available } } }`, adminKey);
  t.deepEqual(deposited.data?.deposit.balances, [{ asset: 'USDT', available: '125.5' }], JSON.stringify(deposited));
  t.is(await stop(node.child), 0);
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
