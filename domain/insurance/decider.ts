import { canonical, dec } from '../money/decimal.js';
import { nonNegativeAmount, positiveInput, signedAmount } from '../money/amounts.js';
import { insuranceFeeLines, insuranceFundedLines, insurancePnlLines } from '../ledger/postings.js';
import { fingerprint, recalledFingerprint, rememberKey, type RecentKeys } from '../shared/bounded.js';
import { idempotencyKeyReused } from '../shared/errors.js';
import { assertNever, type Decider, type DomainEvent, type EventLike, type JournalLine } from '../shared/events.js';

/**
 * The insurance fund of one asset (stream insurance-{asset}). It has no wallet: it is
 * platform-owned equity, so its events carry platform lines only (DESIGN §5 Liquidation, §6).
 * The fund may go negative — a loss is a fact to post, not a request to refuse; the audit and
 * the proof of reserves report it.
 */

export interface InsuranceState {
  /** equity.insuranceFund as posted by this stream */
  fund: string;
  /** txIds, tradeIds and pnl keys already posted (bounded) */
  recentKeys: RecentKeys;
}

export interface FundInsurance { type: 'FundInsurance'; asset: string; amount: string; txId: string }
/** The insurance account's fee for one of its fills. */
export interface PayInsuranceFee { type: 'PayInsuranceFee'; asset: string; tradeId: string; fee: string }
/** The insurance position's realised PnL; key = the position event key it answers. */
export interface RealizeInsurancePnl { type: 'RealizeInsurancePnl'; asset: string; key: string; amount: string }
export type InsuranceCommand = FundInsurance | PayInsuranceFee | RealizeInsurancePnl;

interface Platform { asset: string; lines: JournalLine[] }
export interface InsuranceFundedData extends Platform { amount: string; txId: string }
export interface InsuranceFeePaidData extends Platform { tradeId: string; fee: string }
export interface InsurancePnlRealizedData extends Platform { key: string; amount: string }

export type InsuranceEvent =
  | DomainEvent<'InsuranceFunded', InsuranceFundedData>
  | DomainEvent<'InsuranceFeePaid', InsuranceFeePaidData>
  | DomainEvent<'InsurancePnlRealized', InsurancePnlRealizedData>;

/** how a paid fee is remembered (the event key is the tradeId, per the event catalogue) */
const feeKey = (tradeId: string) => `fee:${tradeId}`;

export function initialState(): InsuranceState {
  return { fund: '0', recentKeys: [] };
}

export function evolve(state: InsuranceState, event: EventLike): InsuranceState {
  const e = event as InsuranceEvent;
  switch (e.type) {
    case 'InsuranceFunded':
      return { fund: canonical(dec(state.fund).plus(e.data.amount)), recentKeys: rememberKey(state.recentKeys, e.data.txId, fingerprint('fund', e.data.amount)) };
    case 'InsuranceFeePaid':
      return { fund: canonical(dec(state.fund).minus(e.data.fee)), recentKeys: rememberKey(state.recentKeys, feeKey(e.data.tradeId), fingerprint('fee', e.data.fee)) };
    case 'InsurancePnlRealized':
      return { fund: canonical(dec(state.fund).plus(e.data.amount)), recentKeys: rememberKey(state.recentKeys, e.data.key, fingerprint('pnl', e.data.amount)) };
    default:
      return state;
  }
}

function repeated(state: InsuranceState, key: string, fp: string): boolean {
  const seen = recalledFingerprint(state.recentKeys, key);
  if (seen === undefined) return false;
  if (seen !== fp) throw idempotencyKeyReused(key);
  return true;
}

/**
 * FundInsurance: INVALID_AMOUNT (not a positive plain decimal) → repeated txId.
 * PayInsuranceFee / RealizeInsurancePnl: INVALID_AMOUNT → repeated key; a zero amount moves
 * nothing and writes nothing.
 */
export function decide(command: InsuranceCommand, state: InsuranceState): InsuranceEvent[] {
  switch (command.type) {
    case 'FundInsurance': {
      const amount = canonical(positiveInput(command.amount, 'INVALID_AMOUNT', 'amount'));
      if (repeated(state, command.txId, fingerprint('fund', amount))) return [];
      return [{ type: 'InsuranceFunded', key: command.txId, data: { asset: command.asset, amount, txId: command.txId, lines: insuranceFundedLines(command.asset, amount) } }];
    }
    case 'PayInsuranceFee': {
      const fee = nonNegativeAmount(command.fee, 'fee');
      if (repeated(state, feeKey(command.tradeId), fingerprint('fee', command.fee))) return [];
      if (fee.isZero()) return [];
      return [{ type: 'InsuranceFeePaid', key: command.tradeId, data: { asset: command.asset, tradeId: command.tradeId, fee: command.fee, lines: insuranceFeeLines(command.asset, fee) } }];
    }
    case 'RealizeInsurancePnl': {
      const amount = signedAmount(command.amount, 'amount');
      if (repeated(state, command.key, fingerprint('pnl', command.amount))) return [];
      if (amount.isZero()) return [];
      return [{ type: 'InsurancePnlRealized', key: command.key, data: { asset: command.asset, key: command.key, amount: command.amount, lines: insurancePnlLines(command.asset, amount) } }];
    }
    default:
      return assertNever(command, 'insurance command');
  }
}

export const insuranceDecider: Decider<InsuranceCommand, InsuranceState, InsuranceEvent> = { initialState, evolve, decide };
