import { join } from 'node:path';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { FileSnapshotStore, MemorySnapshotStore } from '../aggregates/snapshots.js';
import type { ExchangeMemory } from './exchangeWorkflow.js';
import { createExchangeRunner } from './exchangeRunner.js';
import { FileRunnerStateStore, MemoryRunnerStateStore } from './stateStore.js';
import { PortEventStore, toWire } from './storeBridge.js';
import type { ThreadData, ThreadMessage } from './threadHost.js';

/**
 * The workflow runner's thread (see threadHost.ts): the runner over the owner's store through a
 * port, its checkpoint and snapshots on disk as in process, its status mirrored to the host.
 */
const data = workerData as ThreadData & { storePort: MessagePort };
const control = parentPort!;
const store = new PortEventStore(data.storePort);
const post = (message: ThreadMessage) => control.postMessage(message);

let statusScheduled = false;
let lastSent = '';
const sendStatus = () => {
  statusScheduled = false;
  const message: ThreadMessage = { t: 'status', status: runner.status, stats: { ...runner.stats } };
  const text = JSON.stringify(message);
  if (text === lastSent) return;
  lastSent = text;
  post(message);
};
/** progress is reported by the ticker; only reaching idle is told at once (waitForIdle, waitFor) */
const scheduleStatus = () => {
  if (statusScheduled || !runner.idle) return;
  statusScheduled = true;
  setImmediate(sendStatus);
};

const runner = createExchangeRunner({
  store,
  stateStore: data.inMemoryState ? new MemoryRunnerStateStore<ExchangeMemory>() : new FileRunnerStateStore<ExchangeMemory>(join(data.dataDir, 'checkpoints')),
  snapshots: data.inMemoryState ? new MemorySnapshotStore() : new FileSnapshotStore(join(data.dataDir, 'snapshots')),
  remoteStore: data.remoteStore,
  maxOutstandingAppends: data.maxOutstandingAppends,
  onError: (error, where) => post({ t: 'error', where, error: toWire(error), stack: (error as Error)?.stack }),
  onProgress: scheduleStatus,
});
// failures, restarts and idleness also change the status without progress
const ticker = setInterval(sendStatus, 2);
runner.start();

control.on('message', (message: { t: 'stop' }) => {
  if (message.t !== 'stop') return;
  void (async () => {
    await runner.stop();
    clearInterval(ticker);
    sendStatus();
    await store.close();
    post({ t: 'stopped' });
  })();
});
