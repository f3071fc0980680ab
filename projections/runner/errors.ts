/** The runner's error types. */
import type { Position } from '../../eventstore/port.js';

export class ProjectionRunnerError extends Error {
  override name = 'ProjectionRunnerError';
}

/** A projection stopped: it met an impossible event, its code threw, or the store kept failing. */
export class ProjectionFailed extends ProjectionRunnerError {
  override name = 'ProjectionFailed';
  constructor(
    readonly projection: string,
    readonly version: number,
    /** the event it could not apply, when one was the cause */
    readonly event: { id: string; type: string; stream: string; position: Position } | null,
    readonly reason: Error,
  ) {
    super(`projection ${projection} v${version} stopped${event ? ` at ${event.type} ${event.id} (position ${event.position})` : ''}: ${reason.name}: ${reason.message}`, { cause: reason });
  }
}

/** The store points readers at a newer version than this code knows: an older deployment. */
export class VersionSuperseded extends ProjectionRunnerError {
  override name = 'VersionSuperseded';
  constructor(readonly projection: string, readonly version: number, readonly current: number) {
    super(`projection ${projection}: readers use v${current}, newer than this code's v${version}`);
  }
}

export class WaitTimeout extends ProjectionRunnerError {
  override name = 'WaitTimeout';
  constructor(readonly position: Position, readonly timeoutMs: number, readonly lagging: ReadonlyArray<{ projection: string; position: Position }>) {
    super(`projections not at ${position} after ${timeoutMs} ms: ${lagging.map((l) => `${l.projection}@${l.position}`).join(', ')}`);
  }
}

export class RunnerStopped extends ProjectionRunnerError {
  override name = 'RunnerStopped';
  constructor() {
    super('projection runner stopped');
  }
}
