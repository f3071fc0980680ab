import { withValidation } from '../validating.js';
import { DEFAULT_SEGMENT_BYTES, FileStorage } from './fileStorage.js';
import { LogStore } from './logStore.js';
import { MemoryStorage } from './memoryStorage.js';
import type { RecoveryReport } from './storage.js';

export type { RecoveryReport } from './storage.js';
export type { LogStoreStats } from './logStore.js';
export { DEFAULT_SEGMENT_BYTES } from './fileStorage.js';

/** The embedded store, validated like every adapter, plus its own diagnostics. */
export type EmbeddedEventStore = LogStore & { readonly recovery: RecoveryReport };

export interface EmbeddedStoreOptions {
  /** the log directory, by convention `DATA_DIR/events` */
  dir: string;
  segmentBytes?: number;
  /**
   * Told what recovery found at open. Without it a truncated tail is reported as a process
   * warning, so it is never silent.
   */
  onRecovery?: (report: RecoveryReport) => void;
}

/** the log directory of each store opened on disk, for readers of the files (segmentReader.ts) */
const logDirs = new WeakMap<object, string>();

/** The directory of a store opened by openEmbeddedStore; undefined for any other store. */
export function embeddedLogDir(store: object): string | undefined {
  return logDirs.get(store);
}

export async function openEmbeddedStore(options: EmbeddedStoreOptions): Promise<EmbeddedEventStore> {
  const core = new LogStore();
  const { storage, report } = await FileStorage.open(options.dir, (offset, frame, frameOffset, frameLength) => core.recover(offset, frame, frameOffset, frameLength), options.segmentBytes ?? DEFAULT_SEGMENT_BYTES);
  if (options.onRecovery) options.onRecovery(report);
  else if (report.truncated) {
    const t = report.truncated;
    process.emitWarning(`event log ${options.dir}: cut ${t.droppedBytes} damaged bytes (${t.reason}) at byte ${t.atByte} of ${t.segment}`, 'EventLogRecovery');
  }
  const store = withValidation(Object.assign(core.start(storage), { recovery: report }));
  logDirs.set(store, options.dir);
  return store;
}

/** Same rules and encoding as on disk, nothing persisted: for fast unit tests. */
export function createInMemoryStore(): EmbeddedEventStore {
  return withValidation(Object.assign(new LogStore().start(new MemoryStorage()), { recovery: { segments: 0, records: 0 } }));
}
