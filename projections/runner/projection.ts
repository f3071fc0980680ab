/**
 * What a projection is (DESIGN §9): a pure `event → writes` function over an in-memory fold.
 * The runner owns everything else: subscription, batching, the atomic checkpoint, restarts.
 */
import type { EventFilter, Position, RecordedEvent } from '../../eventstore/port.js';
import type { ReadView, WriteOp } from '../store/port.js';

export interface ProjectionStep<S> {
  /** the fold after the event */
  state: S;
  /** absolute values (money as decimal strings computed here), never increments */
  writes: WriteOp[];
}

export interface Projection<S = unknown> {
  /** letters, digits and _: the `rm:{name}` of its keys */
  readonly name: string;
  /** bump it whenever the model's shape or meaning changes: a new version is rebuilt from 0 */
  readonly version: number;
  /** only these events are delivered (the position still advances past the others) */
  readonly filter?: EventFilter;
  /** the fold of an empty model */
  initialState(): S;
  /**
   * The fold after a restart, read back from this projection's own version (whose checkpoint is
   * `checkpoint`): what a projector needs to compute absolute values, e.g. current balances.
   */
  loadState(view: ReadView, checkpoint: Position): Promise<S>;
  /**
   * Pure: no I/O, no clock. It may update `state` in place for speed — the runner throws the
   * fold away and reloads it whenever a batch does not commit. An event that contradicts the
   * model (a fill for an unknown order, a balance going below zero) is thrown as ImpossibleEvent:
   * the projection stops and reports; it never clamps or skips.
   */
  apply(state: S, event: RecordedEvent): ProjectionStep<S>;
}

/** Thrown by `apply` for an event the model cannot absorb. */
export class ImpossibleEvent extends Error {
  override name = 'ImpossibleEvent';
  constructor(
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}
