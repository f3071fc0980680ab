import {
  decide,
  evolve,
  initialState,
  type InsuranceCommand,
  type InsuranceState,
} from '../../../domain/insurance/index.js';

/** Any decider's event, as recorded in the scenario log. */
export interface AnyEvent {
  type: string;
  key: string;
  data: unknown;
}

/**
 * The harness's link to the insurance fund (stream insurance-{asset}), played through the
 * insurance decider: fees of the insurance account's fills (InsuranceFeePaid), its realised PnL
 * (InsurancePnlRealized) and its funding (InsuranceFunded).
 */
export interface InsuranceBook {
  readonly stream: string;
  state(): InsuranceState;
  funded(txId: string, amount: string): void;
  feePaid(tradeId: string, fee: string): void;
  pnlRealized(key: string, amount: string): void;
  /** delivers every command again; returns what they produced (must be nothing) */
  redeliverAll(): AnyEvent[];
}

export function insuranceFor(asset: string, record: (stream: string, events: readonly AnyEvent[]) => void): InsuranceBook {
  const stream = `insurance-${asset}`;
  let state = initialState();
  const delivered: InsuranceCommand[] = [];
  const run = (command: InsuranceCommand): void => {
    const events = decide(command, state);
    state = events.reduce<InsuranceState>(evolve, state);
    record(stream, events);
    delivered.push(command);
  };
  return {
    stream,
    state: () => state,
    funded: (txId, amount) => run({ type: 'FundInsurance', asset, amount, txId }),
    feePaid: (tradeId, fee) => run({ type: 'PayInsuranceFee', asset, tradeId, fee }),
    pnlRealized: (key, amount) => run({ type: 'RealizeInsurancePnl', asset, key, amount }),
    redeliverAll: () => delivered.flatMap((command) => decide(command, state)),
  };
}
