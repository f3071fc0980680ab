import type { EventLike } from '../shared/events.js';
import { decide as baseDecide, evolve, initialState } from './decider.js';
import type { OrderAcceptedData, OrderCommand, OrderEvent, OrderState } from './types.js';

/**
 * Added by the runtime engineer (smallest addition, new file): the matching engine reads the
 * order's own fields (side, type, timeInForce, price, qty) from OrderAccepted — its only input
 * besides cancels — so OrderAccepted must carry them. The base decider leaves them out; this
 * wrapper adds them and compares a repeated acceptance on the base fields only. To be folded
 * into decider.ts by its owner (then this file goes).
 */
export interface OrderPlacementFields {
  side: string;
  type: string;
  timeInForce: string;
  price: string | null;
  qty: string;
  reduceOnly: boolean;
}

const PLACEMENT_FIELDS = ['side', 'type', 'timeInForce', 'price', 'qty', 'reduceOnly'] as const;

function withoutPlacement(accepted: OrderAcceptedData): OrderAcceptedData {
  const copy = { ...accepted } as Record<string, unknown>;
  for (const field of PLACEMENT_FIELDS) delete copy[field];
  return copy as unknown as OrderAcceptedData;
}

export function decide(command: OrderCommand, state: OrderState): OrderEvent[] {
  const base = state.accepted ? { ...state, accepted: withoutPlacement(state.accepted) } : state;
  const events = baseDecide(command, base);
  const placed = state.placed;
  if (!placed) return events;
  return events.map((event) => {
    if (event.type !== 'OrderAccepted') return event;
    const fields: OrderPlacementFields = { side: placed.side, type: placed.type, timeInForce: placed.timeInForce, price: placed.price, qty: placed.qty, reduceOnly: placed.reduceOnly };
    return { ...event, data: { ...event.data, ...fields } };
  });
}

export const orderDeciderForWorkflows = {
  initialState,
  evolve: (state: OrderState, event: EventLike) => evolve(state, event),
  decide,
};
