import { decide } from './decide.js';
import { evolve } from './evolve.js';
import { initialState } from './state.js';

export * from './types.js';
export { decide } from './decide.js';
export { evolve } from './evolve.js';
export { copyState, initialState, reservedTotal, reservationOf } from './state.js';
export { determineIntent, recordedIntent, type IntentDecision, type IntentResult } from './intent.js';
export { positionView, effectiveLeverage, type PositionView } from './view.js';

/**
 * The decider triple. Not annotated as the generic `Decider` because its event payloads are
 * interfaces, which TypeScript does not treat as `Record<string, unknown>`.
 */
export const positionDecider = { initialState, evolve, decide };
