import { join } from 'node:path';
import { openEmbeddedStore } from '../../../eventstore/embedded/index.js';
import { EsdbEventStore, type EsdbEventStoreOptions } from '../../../eventstore/esdb/store.js';
import type { EventStore } from '../../../eventstore/port.js';
import { withValidation } from '../../../eventstore/validating.js';
import { startEsdbEmulator, type EsdbEmulator } from '../../support/esdb-emulator/server.js';
import { makeTempDir } from '../../support/tmpdir.js';

export interface EmulatorHarness {
  emulator: EsdbEmulator;
  /** the embedded store behind the emulator */
  backing: EventStore;
  /** an adapter as the application builds it (validated), over the real client */
  connect(options?: Omit<EsdbEventStoreOptions, 'connectionString'>, connectionParams?: string): EventStore;
  /** closes adapters first, then the server, then the backing store */
  close(): Promise<void>;
}

export async function startEmulatorHarness(options: { batchAppend: boolean }): Promise<EmulatorHarness> {
  const temp = await makeTempDir('oec-esdb-');
  const backing = await openEmbeddedStore({ dir: join(temp.dir, 'events') });
  const emulator = await startEsdbEmulator({ store: backing, batchAppend: options.batchAppend, deletionsFile: join(temp.dir, 'deletions.json') });
  const adapters = new Set<EventStore>();
  return {
    emulator,
    backing,
    connect(adapterOptions = {}, connectionParams = '') {
      const store = withValidation(new EsdbEventStore({ ...adapterOptions, connectionString: `${emulator.connectionString}${connectionParams}` }));
      adapters.add(store);
      return store;
    },
    async close() {
      await Promise.all([...adapters].map((adapter) => adapter.close()));
      await emulator.close();
      await backing.close();
      await temp.remove();
    },
  };
}
