export { ImpossibleEvent, type Projection, type ProjectionStep } from './projection.js';
export * from './errors.js';
export { createProjectionRunner, ProjectionRunner, DEFAULT_LIMITS, type AppliedBatch, type ProjectionRunnerOptions, type ProjectionStatus } from './runner.js';
export type { WorkerState } from './worker.js';
