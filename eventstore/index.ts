/** The event store's public surface: the port, its helpers and the embedded adapter. */
export * from './port.js';
export * from './errors.js';
export * from './streams.js';
export * from './ids.js';
export * from './envelope.js';
export { withValidation, validateAppend, MAX_EVENT_BYTES, MAX_APPEND_BYTES, MAX_EVENTS_PER_APPEND } from './validating.js';
export { openEmbeddedStore, createInMemoryStore, type EmbeddedEventStore, type EmbeddedStoreOptions, type RecoveryReport } from './embedded/index.js';
export { handleCommand, loadAggregate, createAggregateCache, type Decider, type AggregateCache, type CachedAggregate, type CommandResult, type HandleCommandOptions } from './commandHandler.js';
export { runSubscription, type RunningSubscription, type SubscriptionRunnerOptions } from './subscriptionRunner.js';
export { FileCheckpointStore, MemoryCheckpointStore, type CheckpointStore } from './checkpoints.js';
