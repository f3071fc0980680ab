import { join } from 'node:path';
import type { EventStore } from '../eventstore/port.js';
import { FileSnapshotStore, MemorySnapshotStore, type SnapshotStore } from './aggregates/snapshots.js';
import { Exchange } from './exchange.js';
import { InstrumentDirectory } from './instruments.js';
import { MatchingHost } from './matching/host.js';
import { SystemMonitor } from './system.js';
import type { ExchangeMemory } from './workflows/exchangeWorkflow.js';
import { WORKFLOW_RUNNER_NAME, createExchangeRunner } from './workflows/exchangeRunner.js';
import { WorkflowThread, type WorkflowsHandle } from './workflows/threadHost.js';
import { FileRunnerStateStore, MemoryRunnerStateStore, type RunnerStateStore } from './workflows/stateStore.js';

/** What one process runs: everything (default), or one part against a shared EventStoreDB. */
export type Role = 'all' | 'workflows' | 'matching' | 'api';
export const ROLES: readonly Role[] = ['all', 'workflows', 'matching', 'api'];

export interface RuntimeOptions {
  store: EventStore;
  /** DATA_DIR: matching/{symbol}/ (WAL, snapshots), checkpoints/, snapshots/ */
  dataDir: string;
  roles?: Role[];
  clock?: () => Date;
  newId?: () => string;
  /** true for a remote store (EventStoreDB): no same-stream append pipelining */
  remoteStore?: boolean;
  /** keep checkpoints and aggregate snapshots in memory (unit-speed tests) */
  inMemoryState?: boolean;
  /** pass a state store to share it between runtimes of one test (restart scenarios) */
  runnerStateStore?: RunnerStateStore<ExchangeMemory>;
  snapshotStore?: SnapshotStore;
  maxOutstandingAppends?: number;
  /** the store as the workflow runner sees it (tests: a store that delivers every event twice) */
  workflowStore?: (store: EventStore) => EventStore;
  /**
   * run the workflow runner in a worker thread (the second core) against this thread's store;
   * its checkpoint and snapshots live under dataDir (or in its memory with inMemoryState)
   */
  workflowsThread?: boolean;
  onError?: (error: unknown, where: string) => void;
}

export interface Runtime {
  exchange: Exchange;
  system: SystemMonitor;
  directory: InstrumentDirectory;
  workflows?: WorkflowsHandle;
  matching?: MatchingHost;
  stop(): Promise<void>;
}

export { WORKFLOW_RUNNER_NAME };

/**
 * The composition root (DESIGN §1): the event store given, an instrument directory, a matching
 * engine per listed instrument, the workflow runner, the command API and the system status.
 */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const roles = new Set(options.roles ?? ['all']);
  const runs = (role: Role) => roles.has('all') || roles.has(role);
  const store = options.store;
  const onError = options.onError ?? ((error: unknown, where: string) => process.stderr.write(`${where}: ${(error as Error)?.stack ?? String(error)}\n`));
  const snapshots = options.snapshotStore ?? (options.inMemoryState ? new MemorySnapshotStore() : new FileSnapshotStore(join(options.dataDir, 'snapshots')));
  const system = new SystemMonitor(store);
  const directory = new InstrumentDirectory(store);
  await directory.start();
  system.register(() => [{ name: 'instruments', processedPosition: directory.processedPosition, busy: !directory.idle, ...(directory.error ? { error: directory.error.message } : {}) }]);

  let workflows: WorkflowsHandle | undefined;
  if (runs('workflows') && options.workflowsThread) {
    if (options.runnerStateStore || options.workflowStore || options.snapshotStore) throw new Error('a workflows thread keeps its own state: no shared state stores or wrapped store');
    const thread = new WorkflowThread(store, { dataDir: options.dataDir, inMemoryState: options.inMemoryState, remoteStore: options.remoteStore, maxOutstandingAppends: options.maxOutstandingAppends }, onError);
    workflows = thread;
    system.register(() => {
      const s = thread.status;
      return [{ name: s.name, processedPosition: s.processedPosition, busy: !s.idle, ...(s.consecutiveFailures > 0 && s.lastError ? { error: s.lastError } : {}) }];
    });
  } else if (runs('workflows')) {
    const stateStore = options.runnerStateStore ?? (options.inMemoryState ? new MemoryRunnerStateStore<ExchangeMemory>() : new FileRunnerStateStore<ExchangeMemory>(join(options.dataDir, 'checkpoints')));
    const runner = createExchangeRunner({
      store: options.workflowStore ? options.workflowStore(store) : store,
      stateStore,
      snapshots,
      remoteStore: options.remoteStore,
      maxOutstandingAppends: options.maxOutstandingAppends,
      onError,
    });
    runner.start();
    workflows = runner;
    system.register(() => {
      const s = runner.status;
      return [{ name: s.name, processedPosition: s.processedPosition, busy: !s.idle, ...(s.consecutiveFailures > 0 && s.lastError ? { error: s.lastError } : {}) }];
    });
  }

  let matching: MatchingHost | undefined;
  if (runs('matching')) {
    const host = new MatchingHost({ store, dataDir: options.dataDir, directory, onError: (error, symbol) => onError(error, `matching ${symbol}`) });
    host.start();
    await host.ready();
    matching = host;
    system.register(() => host.consumers());
  }

  const exchange = new Exchange({
    store,
    directory,
    snapshots,
    clock: options.clock,
    newId: options.newId,
    waitForWorkflows: workflows ? (position) => workflows!.waitFor(position) : undefined,
  });

  return {
    exchange,
    system,
    directory,
    workflows,
    matching,
    async stop() {
      await matching?.stop();
      await workflows?.stop();
      await directory.stop();
    },
  };
}
