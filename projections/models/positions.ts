/**
 * positions: every (user, symbol) position and the insurance account's positions (userId
 * `insurance`), folded with the position aggregate's own `evolve` — so quantity, side,
 * entryNotional, margin, realised PnL and reservations are exactly the decider's. Display values
 * at the CURRENT mark (entry price, uPnL, liquidation price) are computed at read time by
 * queries.ts with the domain's positionView, so a mark change rewrites nothing here.
 *
 * Keys: `position:{userId}:{symbol}` (hash: userId, symbol, state = JSON of the fold),
 * `positions:{userId}` (set of symbols), `positionOwners` (set of userIds, to reload).
 */
import { copyState, evolve, initialState } from '../../domain/position/index.js';
import type { PositionState } from '../../domain/position/index.js';
import type { Projection } from '../runner/projection.js';
import { Deferred } from '../store/deferred.js';
import { write } from '../store/ops.js';
import type { ReadView } from '../store/port.js';
import { field, guarded, impossible } from './support.js';

export interface PositionsState {
  /** `{userId}\u0000{symbol}` → fold */
  positions: Map<string, PositionState>;
  /**
   * `{userId}\u0000{symbol}` → its hash key, built once: the same key string each time is
   * hashed once by the batch compaction and the store, not per write
   */
  keys: Map<string, string>;
}

export const positionKeys = {
  owners: 'positionOwners',
  symbolsOf: (userId: string) => `positions:${userId}`,
  position: (userId: string, symbol: string) => `position:${userId}:${symbol}`,
};

const POSITION_EVENTS = new Set([
  'LeverageSet', 'PositionReserved', 'PositionReservationReleased', 'PositionOrderTracked', 'PositionMarginReleased', 'PositionIncreased',
  'PositionCloseToOpenCompensation', 'PositionReservationsCut', 'OrderLocksReleased', 'PositionLiquidated', 'PositionTransferredIn',
]);

/**
 * The decider's bounded duplicate memories (ended orders, request ids) serve only `decide`; the
 * read model drops them so each write stays small.
 */
function forReadModel(state: PositionState): PositionState {
  if (state.endedOrders.length === 0 && state.requests.length === 0) return state;
  const copy = copyState(state);
  copy.endedOrders = [];
  copy.requests = [];
  return copy;
}

/**
 * A position's JSON, rendered only for the write that survives its batch's compaction (the fold
 * rewrites a position on each of its events; a batch keeps the last): the state is immutable.
 */
function stateText(state: PositionState): string {
  return JSON.stringify(state);
}

export function parsePositionState(json: string): PositionState {
  return { ...initialState(), ...(JSON.parse(json) as Partial<PositionState>) };
}

export const positionsProjection: Projection<PositionsState> = {
  name: 'positions',
  version: 1,
  filter: { streamPrefixes: ['position-'] },
  initialState: () => ({ positions: new Map(), keys: new Map() }),
  async loadState(view: ReadView): Promise<PositionsState> {
    const positions = new Map<string, PositionState>();
    for (const userId of await view.smembers(positionKeys.owners)) {
      for (const symbol of await view.smembers(positionKeys.symbolsOf(userId))) {
        const json = await view.hget(positionKeys.position(userId, symbol), 'state');
        if (json !== null) positions.set(`${userId}\u0000${symbol}`, parsePositionState(json));
      }
    }
    return { positions, keys: new Map() };
  },
  apply(state, event) {
    if (!POSITION_EVENTS.has(event.type)) return { state, writes: [] };
    const userId = field(event, 'userId');
    const symbol = field(event, 'symbol');
    const id = `${userId}\u0000${symbol}`;
    const before = state.positions.get(id);
    const after = forReadModel(guarded(event, () => evolve(before ?? initialState(), { type: event.type, data: event.data })));
    if (after.qty.startsWith('-') || after.margin.startsWith('-')) throw impossible(event, `position ${userId} ${symbol} would hold qty ${after.qty}, margin ${after.margin}`);
    state.positions.set(id, after);
    let key = state.keys.get(id);
    if (key === undefined) state.keys.set(id, (key = positionKeys.position(userId, symbol)));
    const writes = [write.hsetDeferred(key, { userId, symbol, state: new Deferred(after, stateText) })];
    if (before === undefined) writes.push(write.sadd(positionKeys.owners, userId), write.sadd(positionKeys.symbolsOf(userId), symbol));
    return { state, writes };
  },
};
