import { dec } from '../../../domain/money/decimal.js';

/** Any decider's event, as recorded in the scenario log. */
export interface AnyEvent {
  type: string;
  key: string;
  data: unknown;
}

/**
 * The harness's link to the insurance fund (stream insurance-{asset}): its fees
 * (InsuranceFeePaid), realised PnL (InsurancePnlRealized) and funding (InsuranceFunded).
 */
export interface InsuranceBook {
  funded(txId: string, amount: string): void;
  feePaid(tradeId: string, fee: string): void;
  pnlRealized(key: string, amount: string): void;
}

/**
 * The insurance decider belongs to domain/insurance (C1) and had not landed when this harness
 * was written; until it does, any non-zero insurance posting stops the scenario loudly rather
 * than being posted by a second, home-made version of those rules.
 */
export function insuranceFor(asset: string, _record: (stream: string, events: readonly AnyEvent[]) => void): InsuranceBook {
  const missing = (what: string, amount: string): void => {
    if (!dec(amount).isZero()) throw new Error(`insurance-${asset}: ${what} ${amount} needs the domain/insurance decider, which is not available yet`);
  };
  return {
    funded: (txId, amount) => missing(`InsuranceFunded ${txId}`, amount),
    feePaid: (tradeId, fee) => missing(`InsuranceFeePaid ${tradeId}`, fee),
    pnlRealized: (key, amount) => missing(`InsurancePnlRealized ${key}`, amount),
  };
}
