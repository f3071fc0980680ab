import type { Caller } from './auth.js';
import type { ApiPubSub } from './pubsub/port.js';
import type { ExchangeCommands, OrderAcknowledgements, Progress, ReadModels, Reserves } from './ports.js';

/** Bounded waits of the mutations (DESIGN §5): a few seconds each. */
export interface WaitLimits {
  /** every mutation: until the read models show what it appended */
  mutationMs: number;
  /** placeOrder / cancelOrder: until the engine answered and its fills are settled and projected */
  orderMs: number;
}

export const DEFAULT_WAITS: WaitLimits = { mutationMs: 5000, orderMs: 5000 };

export interface ApiDeps {
  commands: ExchangeCommands;
  reads: ReadModels;
  progress: Progress;
  acks: OrderAcknowledgements;
  pubsub: ApiPubSub;
  reserves?: Reserves;
  waits: WaitLimits;
}

export interface ApiContext {
  caller: Caller;
  deps: ApiDeps;
}
