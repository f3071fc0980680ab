import type { EventStore } from '../../eventstore/port.js';
import type { SnapshotStore } from '../aggregates/snapshots.js';
import { exchangeWorkflow, type ExchangeMemory } from './exchangeWorkflow.js';
import { WorkflowRunner } from './runner.js';
import type { RunnerStateStore } from './stateStore.js';

export const WORKFLOW_RUNNER_NAME = 'workflows';

/** The exchange's workflow runner as every host runs it (in process or in its own thread). */
export function createExchangeRunner(options: {
  store: EventStore;
  stateStore: RunnerStateStore<ExchangeMemory>;
  snapshots: SnapshotStore;
  /** true for a remote store (EventStoreDB): no same-stream append pipelining */
  remoteStore?: boolean;
  maxOutstandingAppends?: number;
  onError(error: unknown, where: string): void;
  onProgress?(): void;
}): WorkflowRunner<ExchangeMemory> {
  return new WorkflowRunner<ExchangeMemory>({
    name: WORKFLOW_RUNNER_NAME,
    store: options.store,
    handler: exchangeWorkflow(),
    stateStore: options.stateStore,
    snapshots: options.snapshots,
    // the API writes OrderPlaced / OrderCancelRequested on orders; every other stream the
    // runner appends to is its own (requests come in on request streams)
    multiWriter: (stream) => stream.startsWith('order-'),
    snapshotStreams: (stream) => !stream.startsWith('order-') && !stream.startsWith('transfer-'),
    pipelineSameStream: !options.remoteStore,
    maxOutstandingAppends: options.maxOutstandingAppends,
    onProgress: options.onProgress,
    onError: (error, info) => options.onError(error, `${info.name} (failure ${info.consecutiveFailures})`),
  });
}
