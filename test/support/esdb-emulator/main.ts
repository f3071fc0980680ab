/**
 * `npm run esdb:emulator -- --port <n> [--memory] [--no-batch-append]`
 *
 * Serves the EventStoreDB wire emulator on 127.0.0.1:<n> (tls=false) until SIGTERM/SIGINT, backed
 * by an embedded store under `$DATA_DIR/esdb-emulator` (default DATA_DIR: ./data), or in memory.
 * Point the app at it with EVENTSTORE_URL=esdb://127.0.0.1:<n>?tls=false.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createInMemoryStore, openEmbeddedStore } from '../../../eventstore/embedded/index.js';
import type { EventStore } from '../../../eventstore/port.js';
import { startEsdbEmulator } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '2113' },
    memory: { type: 'boolean', default: false },
    'no-batch-append': { type: 'boolean', default: false },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`invalid --port ${values.port}`);
  process.exit(2);
}

const dataDir = join(process.env.DATA_DIR ?? 'data', 'esdb-emulator');
const store: EventStore = values.memory ? createInMemoryStore() : await openEmbeddedStore({ dir: join(dataDir, 'events') });
const emulator = await startEsdbEmulator({
  store,
  port,
  batchAppend: !values['no-batch-append'],
  ...(values.memory ? {} : { deletionsFile: join(dataDir, 'deletions.json') }),
});
console.log(
  JSON.stringify({ msg: 'esdb emulator listening', connectionString: emulator.connectionString, backing: values.memory ? 'memory' : dataDir, batchAppend: !values['no-batch-append'] }),
);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  await emulator.close();
  await store.close();
  console.log(JSON.stringify({ msg: 'esdb emulator stopped', signal }));
}
process.once('SIGTERM', () => void stop('SIGTERM'));
process.once('SIGINT', () => void stop('SIGINT'));
