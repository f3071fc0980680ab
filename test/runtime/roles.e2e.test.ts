import test from 'ava';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInMemoryStore } from '../../eventstore/embedded/index.js';
import { ConfigError } from '../../runtime/config.js';
import { streams } from '../../eventstore/streams.js';
import { startMainJob } from '../../runtime/main.js';
import { startEsdbEmulator } from '../support/esdb-emulator/server.js';
import { makeTempDir } from '../support/tmpdir.js';

const ADMIN_KEY = 'roles-e2e-admin-key-0123456789';
const START_TIMEOUT_MS = 40_000;
const SETTLE_TIMEOUT_MS = 40_000;

interface Child {
  process: ChildProcessWithoutNullStreams;
  output(): string;
  /** resolves with the first match of `pattern` in the output; rejects on exit or timeout */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
}

/** `npm start`'s entry as a real process with the given arguments and environment */
function startProcess(args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', 'runtime/main.ts', ...args], {
    env: { ...process.env, PORT: '0', EVENTSTORE_URL: '', REDIS_URL: '', ADMIN_API_KEY: ADMIN_KEY, ROLE: '', ...env },
  });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = once(child, 'exit');
  return {
    process: child,
    output: () => output,
    waitFor(pattern) {
      return new Promise((resolve, reject) => {
        const done = () => {
          listeners.delete(check);
          clearTimeout(timer);
        };
        const check = () => {
          const match = pattern.exec(output);
          if (match) {
            done();
            resolve(match);
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${pattern} within ${START_TIMEOUT_MS} ms in: ${output}`));
        }, START_TIMEOUT_MS);
        listeners.add(check);
        void exited.then(() => {
          done();
          reject(new Error(`exited before ${pattern}: ${output}`));
        });
        check();
      });
    },
  };
}

async function stopProcess(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = once(child.process, 'exit');
  child.process.kill('SIGTERM');
  await exited;
}

/** polls `read` until `done` holds for its value (bounded; never a fixed sleep) */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (let delayMs = 10; ; delayMs = Math.min(delayMs * 2, 200)) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${SETTLE_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}

test('a single role on the embedded store is refused with a clear error: the process exits non-zero, startMainJob throws', async (t) => {
  const dir = await makeTempDir('oec-roles-');
  t.teardown(dir.remove);
  const child = startProcess(['--role', 'matching'], { DATA_DIR: dir.dir });
  const [code] = await once(child.process, 'exit');
  t.is(code, 1);
  t.regex(child.output(), /--role matching needs a shared store: set EVENTSTORE_URL/);
  t.notRegex(child.output(), /\n\s+at /, 'a configuration error, not a stack');
  await t.throwsAsync(startMainJob({ port: 0, dataDir: dir.dir, production: false }, () => undefined, ['api']), {
    instanceOf: ConfigError, message: /--role api needs a shared store/,
  });
});

/** One GraphQL request to an API process, failing the test on any error. */
async function graphql<T>(port: number, query: string, apiKey = ADMIN_KEY): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(`${query}: ${JSON.stringify(body.errors)}`);
  return body.data!;
}

/**
 * Three processes of `npm start` on one EventStoreDB (the wire emulator): `--role workflows`,
 * `--role matching` and `--role api` (GraphQL over HTTP with its own read models). A crossing
 * pair placed through the API trades in the matching process, settles in the workflows process
 * and is served, settled, by the API process.
 */
test('--role workflows, --role matching and --role api as separate processes on one EventStoreDB: a crossing pair trades and settles', async (t) => {
  const backing = createInMemoryStore();
  const emulator = await startEsdbEmulator({ store: backing });
  const dirs = await Promise.all(['workflows', 'matching', 'api'].map((role) => makeTempDir(`oec-role-${role}-`)));
  const children: Child[] = [];
  t.teardown(async () => {
    await Promise.all(children.map(stopProcess));
    await emulator.close();
    await backing.close();
    await Promise.all(dirs.map((dir) => dir.remove()));
  });
  const env = (i: number) => ({ EVENTSTORE_URL: emulator.connectionString, DATA_DIR: dirs[i]!.dir });
  const workflows = startProcess(['--role', 'workflows'], env(0));
  const matching = startProcess(['--role=matching'], env(1));
  const api = startProcess(['--role', 'api'], env(2));
  children.push(workflows, matching, api);
  await Promise.all([workflows.waitFor(/running roles workflows \(no API/), matching.waitFor(/running roles matching \(no API/)]);
  t.notRegex(workflows.output() + matching.output(), /listening on port/);
  const port = Number((await api.waitFor(/listening on port (\d+)/))[1]);

  // the demo instruments are listed by the API process on first start
  await eventually(
    () => graphql<{ instruments: Array<{ symbol: string }> }>(port, '{ instruments { symbol } }'),
    (d) => d.instruments.some((i) => i.symbol === 'BTC-PERP'),
    'BTC-PERP listed',
  );
  const keys: Record<string, string> = {};
  for (const name of ['alice', 'bob']) {
    const { createUser } = await graphql<{ createUser: { userId: string; apiKey: string } }>(port, `mutation { createUser(name: "${name}") { userId apiKey } }`);
    keys[name] = createUser.apiKey;
    await graphql(port, `mutation { deposit(userId: "${createUser.userId}", asset: "USDT", amount: "1000", txId: "dep-${name}") { userId } }`);
  }
  const place = async (name: string, side: 'BUY' | 'SELL') =>
    (await graphql<{ placeOrder: { id: string } }>(port, `mutation { placeOrder(input: { symbol: "BTC-PERP", side: ${side}, type: LIMIT, price: "50000", quantity: "2", clientOrderId: "${name}-1" }) { id } }`, keys[name])).placeOrder.id;
  const orders = { alice: await place('alice', 'BUY'), bob: await place('bob', 'SELL') };

  // accepted by the workflows process, matched by the matching process, served by the API process
  for (const [name, orderId] of Object.entries(orders)) {
    const { order } = await eventually(
      () => graphql<{ order: { status: string; filledQuantity: string; averageFillPrice: string } | null }>(port, `{ order(id: "${orderId}") { status filledQuantity averageFillPrice } }`, keys[name]),
      (d) => d.order?.status === 'FILLED',
      `order of ${name}`,
    );
    t.deepEqual(order, { status: 'FILLED', filledQuantity: '2', averageFillPrice: '50000' });
  }
  const trades = (await backing.readStream(streams.market('BTC-PERP'))).filter((e) => e.type === 'TradeExecuted');
  t.like(trades.map((e) => e.data), [{ price: '50000', qty: '2', takerSide: 'SELL' }]);
  const { platformLedger } = await eventually(
    () => graphql<{ platformLedger: { balanceSheet: { balanced: boolean } } ; system: { idle: boolean } }>(port, '{ platformLedger { balanceSheet { balanced } } system { idle } }'),
    (d) => d.system.idle,
    'system idle',
  );
  t.true(platformLedger.balanceSheet.balanced);
  // each part ran where it was asked to: the engines' WALs only under the matching process
  t.true(existsSync(join(dirs[1]!.dir, 'matching', 'BTC-PERP')));
  t.false(existsSync(join(dirs[0]!.dir, 'matching')));
  t.false(existsSync(join(dirs[2]!.dir, 'matching')));
  for (const child of children) {
    const exited = once(child.process, 'exit');
    child.process.kill('SIGTERM');
    t.deepEqual(await exited, [0, null], child.output());
    t.regex(child.output(), /stopped/);
    t.notRegex(child.output(), /Error/, child.output());
  }
});
