import path from 'node:path';
import { openEmbeddedStore } from '../eventstore/embedded/index.js';
import type { EventStore } from '../eventstore/port.js';
import type { Config } from './config.js';

export interface OpenedStore {
  store: EventStore;
  description: string;
}

/** The embedded store under DATA_DIR/events by default; EventStoreDB when EVENTSTORE_URL is set. */
export async function openEventStore(config: Config, log: (line: string) => void): Promise<OpenedStore> {
  if (config.eventStoreUrl) {
    const { createEsdbEventStore } = await import('../eventstore/esdb/store.js');
    const store = createEsdbEventStore({ connectionString: config.eventStoreUrl });
    await store.headPosition(); // fail fast when the server is unreachable
    return { store, description: `EventStoreDB at ${redactUrl(config.eventStoreUrl)}` };
  }
  const dir = path.resolve(config.dataDir, 'events');
  const store = await openEmbeddedStore({
    dir,
    onRecovery: (report) => {
      if (report.truncated) {
        const t = report.truncated;
        log(`event log recovery: cut ${t.droppedBytes} damaged bytes (${t.reason}) at byte ${t.atByte} of ${t.segment}`);
      }
    },
  });
  return { store, description: `embedded store at ${dir}` };
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
