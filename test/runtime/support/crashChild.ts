/**
 * Child process of the crash test: the whole runtime on an embedded store under DATA_DIR, driven
 * by a random order flow (many users, both sides, cancels, flips). The parent SIGKILLs it at
 * random moments. Mode "settle" places nothing, waits until the system is idle and exits.
 *   argv: dataDir mode(run|settle) seed
 */
import { join } from 'node:path';
import { openEmbeddedStore } from '../../../eventstore/embedded/index.js';
import { DomainError } from '../../../domain/shared/errors.js';
import { createRuntime } from '../../../runtime/runtime.js';
import { mulberry32 as prng } from '../../../matching/workload/prng.js';

const [dataDir, mode, seedText] = process.argv.slice(2) as [string, string, string];
const USERS = 8;


async function ignoreConflict(action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (!(error instanceof DomainError && error.code === 'CONFLICT')) throw error;
  }
}

async function main(): Promise<void> {
  const store = await openEmbeddedStore({ dir: join(dataDir, 'events'), onRecovery: () => undefined });
  const runtime = await createRuntime({ store, dataDir, onError: (error, where) => process.stderr.write(`${where}: ${(error as Error).name} ${(error as Error).message}\n`) });
  const { exchange, system } = runtime;
  await ignoreConflict(() => exchange.createInstrument({
    symbol: 'BTC-PERP', quoteAsset: 'USDT', contractSize: '0.001', tickSize: '0.1', lotSize: '1', makerFeeRate: '0.0002', takerFeeRate: '0.0005',
    initialMarginRate: '0.01', maintenanceMarginRate: '0.005', maxLeverage: 100, defaultLeverage: 10,
  }));
  const users = Array.from({ length: USERS }, (_, i) => `u${i}`);
  for (const u of users) {
    await ignoreConflict(() => exchange.createUser({ userId: u, name: u, apiKeyHash: `h${u}` }));
    await exchange.deposit(u, 'USDT', '100000', `dep-${u}`);
  }
  if (mode === 'settle') {
    const status = await system.waitForIdle(60_000);
    await runtime.stop();
    await store.close();
    process.stdout.write(`${JSON.stringify({ idle: status.idle })}\n`);
    return;
  }
  process.stdout.write('ready\n');
  const random = prng(Number(seedText));
  const open: Array<{ userId: string; orderId: string }> = [];
  for (let i = 0; ; i++) {
    const userId = users[Math.floor(random() * users.length)]!;
    if (random() < 0.2 && open.length > 0) {
      const { userId: owner, orderId } = open.splice(Math.floor(random() * open.length), 1)[0]!;
      await exchange.cancelOrder(owner, orderId);
      continue;
    }
    const side = random() < 0.5 ? 'BUY' : 'SELL';
    const price = String(50000 + Math.floor(random() * 10) - 5);
    // large quantities now and then flip positions
    const qty = String(1 + Math.floor(random() * (random() < 0.2 ? 40 : 8)));
    const placed = await exchange.placeOrder(userId, { symbol: 'BTC-PERP', side, type: 'LIMIT', price, qty, clientOrderId: `s${seedText}-${i}` });
    open.push({ userId, orderId: placed.orderId });
    if (open.length > 50) open.shift();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
