/**
 * Crash-test child: an embedded store on disk, the engine on it, and a load generator appending
 * order inputs as fast as the store takes them. It runs until killed; it prints one JSON line per
 * committed progress step so the parent can pick its moment.
 *
 *   node --import tsx test/matching/support/engineChild.ts <dataDir> <seed>
 */
import { join } from 'node:path';
import { openEmbeddedStore } from '../../../eventstore/embedded/index.js';
import { engineAt } from './engines.js';
import { randomFlow } from './flow.js';

const [dataDir, seedText] = process.argv.slice(2);
if (!dataDir || !seedText) throw new Error('usage: engineChild.ts <dataDir> <seed>');
const seed = Number(seedText);

const store = await openEmbeddedStore({ dir: join(dataDir, 'events'), onRecovery: () => undefined });
const engine = engineAt(join(dataDir, 'engine'), {
  store, snapshotEvery: 250, maxUnpublished: 2000,
  onFailure: (error) => { process.stderr.write(`engine failed: ${error.stack}\n`); process.exit(3); },
});
const report = await engine.start();
process.stdout.write(`${JSON.stringify({ started: true, report })}\n`);

const flow = randomFlow({ seed, idPrefix: `s${seed}` });
const BURST = 40;
for (let burst = 0; ; burst++) {
  const appends = [];
  for (let i = 0; i < BURST; i++) {
    const event = flow.next().value!;
    appends.push(store.append(`order-${event.data['orderId'] as string}`, [event], 'any'));
  }
  await Promise.all(appends);
  process.stdout.write(`${JSON.stringify({ burst, lastEntrySeq: engine.lastEntrySeq, durable: engine.durableEntrySeq, published: engine.publishedEntrySeq })}\n`);
}
