/**
 * Child process for the clean-shutdown test: starts the emulator CLI's building blocks in-process,
 * uses the adapter (appends, reads, a live subscription), closes everything in order and then
 * does NOT call process.exit — the parent asserts that this process ends by itself.
 */
import { randomUUID } from 'node:crypto';
import { createInMemoryStore } from '../../../eventstore/embedded/index.js';
import { EsdbEventStore } from '../../../eventstore/esdb/store.js';
import { NO_STREAM } from '../../../eventstore/port.js';
import { withValidation } from '../../../eventstore/validating.js';
import { startEsdbEmulator } from '../../support/esdb-emulator/server.js';

const backing = createInMemoryStore();
const emulator = await startEsdbEmulator({ store: backing, batchAppend: process.argv[2] !== 'append' });
const adapter = withValidation(new EsdbEventStore({ connectionString: emulator.connectionString }));
const subscription = adapter.subscribeToAll({ filter: { streamPrefixes: ['shutdown-'] } });
await adapter.append('shutdown-a', [{ id: randomUUID(), type: 'ThingHappened', data: {}, metadata: {} }], NO_STREAM);
for await (const message of subscription) if (message.kind === 'event') break;
await adapter.readStream('shutdown-a');
await adapter.close();
await emulator.close();
await backing.close();
console.log('closed');
