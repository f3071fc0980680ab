/**
 * npm run bench:api — the whole main job in process (embedded store on disk, matching, workflows,
 * read models, GraphQL on node:http) and CLIENTS concurrent HTTP clients placing crossing limit
 * orders (each buyer's bid meets a seller's ask at the same price) until ORDERS have been sent,
 * then until system.idle. Prints one JSON line: placeOrder round-trip p50/p99 (ms) and orders/s
 * fully settled (all sent orders and their trades settled and projected, idle reached).
 *
 *   BENCH_API_CLIENTS=16 BENCH_API_ORDERS=2000 npm run bench:api
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startMainJob } from '../runtime/main.js';

const CLIENTS = Number(process.env.BENCH_API_CLIENTS ?? 16);
const ORDERS = Number(process.env.BENCH_API_ORDERS ?? 2000);
const ADMIN = 'bench-admin-key-0123456789abcdef';

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'oxc-bench-api-'));
  const job = await startMainJob({ port: 0, dataDir, adminApiKey: ADMIN, production: true }, () => {});
  const endpoint = `${job.server.origin}/graphql`;
  const gql = async (query: string, variables: Record<string, unknown>, apiKey: string) => {
    const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` }, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: any; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  try {
    const users: string[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const { createUser } = await gql('mutation($n: String!) { createUser(name: $n) { userId apiKey } }', { n: `bench-${i}` }, ADMIN);
      await gql('mutation($u: ID!, $tx: ID!) { deposit(userId: $u, asset: "USDT", amount: "100000000", txId: $tx) { userId } }', { u: createUser.userId, tx: `bench-${i}` }, ADMIN);
      users.push(createUser.apiKey);
    }
    const latenciesMs: number[] = [];
    let sent = 0;
    const place = 'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { status } }';
    const started = performance.now();
    await Promise.all(
      users.map(async (apiKey, client) => {
        // even clients buy, odd clients sell, at a small set of prices: most orders cross
        const side = client % 2 === 0 ? 'BUY' : 'SELL';
        for (let n = 0; ; n++) {
          if (sent >= ORDERS) return;
          sent += 1;
          const price = (50000 + (n % 5) * 0.1).toFixed(1);
          const t0 = performance.now();
          await gql(place, { i: { symbol: 'BTC-PERP', side, type: 'LIMIT', price, quantity: '1', clientOrderId: `c${client}-${n}` } }, apiKey);
          latenciesMs.push(performance.now() - t0);
        }
      }),
    );
    const allAnswered = performance.now();
    await job.runtime.system.waitForIdle(120_000);
    const settled = performance.now();
    latenciesMs.sort((a, b) => a - b);
    const pct = (p: number) => Number(latenciesMs[Math.min(latenciesMs.length - 1, Math.floor((p / 100) * latenciesMs.length))]!.toFixed(2));
    const trades = (await gql('{ trades(symbol: "BTC-PERP", first: 1000) { id } }', {}, ADMIN)).trades.length;
    process.stdout.write(`${JSON.stringify({
      case: 'api.placeOrder',
      clients: CLIENTS,
      orders: latenciesMs.length,
      tradesSeen: trades,
      p50Ms: pct(50),
      p99Ms: pct(99),
      answeredPerSec: Math.round(latenciesMs.length / ((allAnswered - started) / 1000)),
      settledOrdersPerSec: Math.round(latenciesMs.length / ((settled - started) / 1000)),
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
