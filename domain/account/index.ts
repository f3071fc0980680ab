import type { Decider } from '../shared/events.js';
import { decide } from './decide.js';
import { evolve, initialState } from './evolve.js';
import type { AccountCommand, AccountEvent, AccountState } from './types.js';

export * from './types.js';
export { decide, availableOf, deficitOf, isInDeficit } from './decide.js';
export { evolve, initialState, endKey } from './evolve.js';

export const accountDecider: Decider<AccountCommand, AccountState, AccountEvent> = { initialState, evolve, decide };
