/**
 * npm run bench:api — the whole main job in process (embedded store on disk, matching, workflows,
 * read models, GraphQL on node:http) and CLIENTS concurrent HTTP clients placing crossing limit
 * orders (each buyer's bid meets a seller's ask at the same price) until ORDERS have been sent,
 * then until system.idle. The clients run in a worker thread: on the server's own thread their
 * HTTP work (≈15% of the CPU) would be counted against the server. Prints one JSON line:
 * placeOrder round-trip p50/p99 (ms), orders/s fully settled (all sent orders and their trades
 * settled and projected, idle reached), and the server's CPU per order.
 *
 *   BENCH_API_CLIENTS=16 BENCH_API_ORDERS=2000 npm run bench:api
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { startMainJob } from '../runtime/main.js';
import { RUNTIME_NODE_FLAGS, ensureNodeFlags } from '../runtime/nodeFlags.js';

// the runtime's V8 flags, as `npm start` runs it (OEC_RUNTIME_DEFAULT_HEAP=1: V8's defaults)
ensureNodeFlags(RUNTIME_NODE_FLAGS, 'OEC_RUNTIME_DEFAULT_HEAP');

const CLIENTS = Number(process.env.BENCH_API_CLIENTS ?? 16);
const ORDERS = Number(process.env.BENCH_API_ORDERS ?? 2000);
const ADMIN = 'bench-admin-key-0123456789abcdef';

interface ClientJob {
  endpoint: string;
  apiKeys: string[];
  orders: number;
}
interface ClientResult {
  latenciesMs: number[];
  elapsedMs: number;
}

async function gql(endpoint: string, query: string, variables: Record<string, unknown>, apiKey: string): Promise<any> {
  const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/**
 * The worker (plain JS: a worker thread does not inherit tsx's loader): every client places
 * orders back to back until `orders` were sent in all; posts the latencies.
 */
const CLIENT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { endpoint, apiKeys, orders } = workerData;
const place = 'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { status } }';
async function gql(variables, apiKey) {
  const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + apiKey }, body: JSON.stringify({ query: place, variables }) });
  const body = await response.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
}
(async () => {
  const latenciesMs = [];
  let sent = 0;
  const started = performance.now();
  await Promise.all(apiKeys.map(async (apiKey, client) => {
    // even clients buy, odd clients sell, at a small set of prices: most orders cross
    const side = client % 2 === 0 ? 'BUY' : 'SELL';
    for (let n = 0; sent < orders; n++) {
      sent += 1;
      const price = (50000 + (n % 5) * 0.1).toFixed(1);
      const t0 = performance.now();
      await gql({ i: { symbol: 'BTC-PERP', side, type: 'LIMIT', price, quantity: '1', clientOrderId: 'c' + client + '-' + n } }, apiKey);
      latenciesMs.push(performance.now() - t0);
    }
  }));
  parentPort.postMessage({ latenciesMs, elapsedMs: performance.now() - started });
})().catch((error) => { throw error; });
`;

function clientsInWorker(job: ClientJob): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(CLIENT_WORKER, { eval: true, workerData: job });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`client worker exited with ${code}`)));
  });
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'oxc-bench-api-'));
  const job = await startMainJob({ port: 0, dataDir, adminApiKey: ADMIN, production: true }, () => {});
  const endpoint = `${job.server.origin}/graphql`;
  try {
    const apiKeys: string[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const { createUser } = await gql(endpoint, 'mutation($n: String!) { createUser(name: $n) { userId apiKey } }', { n: `bench-${i}` }, ADMIN);
      await gql(endpoint, 'mutation($u: ID!, $tx: ID!) { deposit(userId: $u, asset: "USDT", amount: "100000000", txId: $tx) { userId } }', { u: createUser.userId, tx: `bench-${i}` }, ADMIN);
      apiKeys.push(createUser.apiKey);
    }
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const { latenciesMs, elapsedMs } = await clientsInWorker({ endpoint, apiKeys, orders: ORDERS });
    await job.runtime.system.waitForIdle(120_000);
    const settledMs = performance.now() - started;
    // the worker's CPU is in process.cpuUsage too; its share is small next to the server's
    const cpu = process.cpuUsage(cpuBefore);
    latenciesMs.sort((a, b) => a - b);
    const pct = (p: number) => Number(latenciesMs[Math.min(latenciesMs.length - 1, Math.floor((p / 100) * latenciesMs.length))]!.toFixed(2));
    const trades = (await gql(endpoint, '{ trades(symbol: "BTC-PERP", first: 1000) { id } }', {}, ADMIN)).trades.length;
    process.stdout.write(`${JSON.stringify({
      case: 'api.placeOrder',
      clients: CLIENTS,
      orders: latenciesMs.length,
      tradesSeen: trades,
      p50Ms: pct(50),
      p99Ms: pct(99),
      answeredPerSec: Math.round(latenciesMs.length / (elapsedMs / 1000)),
      settledOrdersPerSec: Math.round(latenciesMs.length / (settledMs / 1000)),
      processCpuMsPerOrder: Number(((cpu.user + cpu.system) / 1000 / latenciesMs.length).toFixed(2)),
    })}\n`);
  } finally {
    await job.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
