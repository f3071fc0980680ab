/**
 * Reconciliation of a reserve audit with the platform ledger at the same log position (DESIGN §11):
 *
 *   per asset:  tree total + Σ excluded negative equities
 *                 = liability.userFunds − clearing.pnl − insurance uPnL        (exactly)
 *               custody (ledger custody.wallet, or the attested balance) ≥ tree total
 *
 * Why the first line holds: Σ users' wallet + margins = liability.userFunds (the cross-book rule),
 * and over one symbol with open interest long = short, Σ every position's uPnL at one mark
 *   = mark·cs·(Σ long qty − Σ short qty) − (Σ long entryNotional − Σ short entryNotional)
 *   = 0 − clearing.pnl of that symbol,
 * so Σ users' uPnL = −clearing.pnl − insurance uPnL. The report breaks a failure down along the
 * same steps (user funds, per-symbol open interest and clearing) so it says where the books part.
 * Deficits are receivables: listed, never netted against custody or other users.
 */
import { PLATFORM } from '../../domain/ledger/accounts.js';
import { Decimal, ZERO, canonical, dec } from '../../domain/money/decimal.js';
import type { ReserveAudit } from '../../reserves/audit.js';
import type { FoldResult, Violation } from '../replay/fold.js';
import type { Attestation } from './attested.js';
import type { Equities } from './equity.js';

export type MismatchKind =
  | 'LEDGER_AUDIT'
  | 'EQUITY_VALUATION'
  | 'TREE_TOTALS'
  | 'EQUITY_LIABILITY'
  | 'USER_FUNDS'
  | 'CLEARING_PNL'
  | 'OPEN_INTEREST'
  | 'CUSTODY_SHORTFALL';

export interface Mismatch {
  kind: MismatchKind;
  asset?: string;
  symbol?: string;
  eventIds?: string[];
  detail: string;
}

export interface AssetReconciliation {
  asset: string;
  treeTotal: string;
  excludedNegative: string;
  /** treeTotal + excludedNegative: Σ of every user's equity */
  userEquity: string;
  userWalletAndMargins: string;
  userUnrealizedPnl: string;
  ledger: {
    userFunds: string;
    clearingPnl: string;
    insuranceFund: string;
    revenueFees: string;
    custodyWallet: string;
  };
  insuranceUnrealizedPnl: string;
  /** liability.userFunds − clearing.pnl − insurance uPnL */
  expectedUserEquity: string;
  /** userEquity − expectedUserEquity (0 when reconciled) */
  difference: string;
  custody: { source: 'ledger' | 'attested'; amount: string; ledgerAmount: string };
  /** custody − tree total; negative is a shortfall */
  custodySurplus: string;
  /** Σ deficits owed to the platform (positive), never netted */
  receivables: string;
}

export interface SymbolReconciliation {
  symbol: string;
  asset: string;
  mark: string | null;
  contractSize: string;
  openInterestLong: string;
  openInterestShort: string;
  /** Σ long − Σ short entryNotional of every open position (insurance included) */
  signedEntryNotional: string;
  /** Σ uPnL of every open position at the mark (insurance included) = −signedEntryNotional when OI is balanced */
  unrealizedPnl: string;
}

export interface ReconciliationReport {
  ok: boolean;
  method: string;
  auditId: string;
  /** the position asked for (null: latest) and the quiescent position folded to */
  requestedPosition: string | null;
  logPosition: string;
  stateHash: string;
  userCount: number;
  excludedUserCount: number;
  assets: AssetReconciliation[];
  symbols: SymbolReconciliation[];
  insurance: { positions: Array<{ symbol: string; asset: string; side: string; qty: string; entryNotional: string; mark: string; unrealizedPnl: string }> };
  /** user deficits: what users owe the platform, per (user, asset), amounts positive */
  receivables: Array<{ userId: string; asset: string; amount: string }>;
  attestation: { source: string | null; assets: Array<{ asset: string; amount: string }> } | null;
  mismatches: Mismatch[];
}

export interface ReconcileInput {
  fold: FoldResult;
  equities: Equities;
  audit: ReserveAudit;
  requestedPosition: string | null;
  attestation?: Attestation;
}

function amountOf(list: ReadonlyArray<{ asset: string; amount: string }>, asset: string): Decimal {
  const hit = list.find((a) => a.asset === asset);
  return hit ? dec(hit.amount) : ZERO;
}

function fromFold(v: Violation): Mismatch {
  return { kind: 'LEDGER_AUDIT', eventIds: v.eventIds, detail: `${v.rule}: ${v.detail}` };
}

export function reconcile(input: ReconcileInput): ReconciliationReport {
  const { fold, equities, audit, attestation } = input;
  const balances = fold.ledgerBalances;
  const mismatches: Mismatch[] = fold.violations.map(fromFold);
  for (const p of equities.problems) mismatches.push({ kind: 'EQUITY_VALUATION', symbol: p.symbol, detail: `${p.kind}: ${p.detail}` });

  // the audit's asset list includes every attested asset (run.ts), so each attested balance is checked
  const assetCodes = audit.root.assets.map((a) => a.code);

  const receivables = audit.excluded.map((d) => ({ userId: d.userId, asset: d.asset, amount: canonical(dec(d.amount).negated()) }));

  const assets: AssetReconciliation[] = assetCodes.map((asset) => {
    const treeTotal = amountOf(audit.root.totals, asset);
    const excludedNegative = amountOf(audit.root.excludedNegative, asset);
    const userEquity = treeTotal.plus(excludedNegative);
    const walletAndMargins = equities.userFunds.get(asset) ?? ZERO;
    const userUpnl = equities.userUnrealizedPnl.get(asset) ?? ZERO;
    const insuranceUpnl = equities.insuranceUnrealizedPnl.get(asset) ?? ZERO;
    const userFunds = balances.platform(PLATFORM.liabilityUserFunds, asset);
    const clearingPnl = balances.platform(PLATFORM.clearingPnl, asset);
    const custodyWallet = balances.platform(PLATFORM.custodyWallet, asset);
    const expected = userFunds.minus(clearingPnl).minus(insuranceUpnl);
    const difference = userEquity.minus(expected);

    // The tree must carry exactly what was valued (the builder's own guarantee, checked here
    // because a reconciliation that trusted it would prove nothing about it).
    const valued = walletAndMargins.plus(userUpnl);
    if (!valued.equals(userEquity)) {
      mismatches.push({ kind: 'TREE_TOTALS', asset, detail: `${asset}: tree total ${canonical(treeTotal)} + excluded ${canonical(excludedNegative)} = ${canonical(userEquity)} ≠ Σ valued user equity ${canonical(valued)}` });
    }
    if (!difference.isZero()) {
      mismatches.push({
        kind: 'EQUITY_LIABILITY', asset,
        detail: `${asset}: Σ user equity ${canonical(userEquity)} ≠ liability.userFunds ${canonical(userFunds)} − clearing.pnl ${canonical(clearingPnl)} − insurance uPnL ${canonical(insuranceUpnl)} = ${canonical(expected)} (difference ${canonical(difference)})`,
      });
    }
    if (!walletAndMargins.equals(userFunds)) {
      mismatches.push({ kind: 'USER_FUNDS', asset, detail: `${asset}: Σ users' wallet + margins in the user book ${canonical(walletAndMargins)} ≠ liability.userFunds ${canonical(userFunds)} (difference ${canonical(walletAndMargins.minus(userFunds))})` });
    }
    const allUpnl = userUpnl.plus(insuranceUpnl);
    if (!allUpnl.equals(clearingPnl.negated())) {
      mismatches.push({ kind: 'CLEARING_PNL', asset, detail: `${asset}: Σ uPnL of users ${canonical(userUpnl)} + insurance ${canonical(insuranceUpnl)} = ${canonical(allUpnl)} ≠ −clearing.pnl ${canonical(clearingPnl.negated())}` });
    }

    const attested = attestation?.assets.find((a) => a.asset === asset);
    const custody = attestation ? (attested ? dec(attested.amount) : ZERO) : custodyWallet;
    const surplus = custody.minus(treeTotal);
    if (surplus.isNegative()) {
      const source = attestation ? `attested ${attestation.source ?? 'assets'}${attested ? '' : ' (asset not attested: 0)'}` : 'ledger custody.wallet';
      mismatches.push({ kind: 'CUSTODY_SHORTFALL', asset, detail: `${asset}: custody ${canonical(custody)} (${source}) < tree total ${canonical(treeTotal)} (shortfall ${canonical(surplus.negated())})` });
    }
    return {
      asset,
      treeTotal: canonical(treeTotal),
      excludedNegative: canonical(excludedNegative),
      userEquity: canonical(userEquity),
      userWalletAndMargins: canonical(walletAndMargins),
      userUnrealizedPnl: canonical(userUpnl),
      ledger: {
        userFunds: canonical(userFunds),
        clearingPnl: canonical(clearingPnl),
        insuranceFund: canonical(balances.platform(PLATFORM.equityInsuranceFund, asset)),
        revenueFees: canonical(balances.platform(PLATFORM.revenueFees, asset)),
        custodyWallet: canonical(custodyWallet),
      },
      insuranceUnrealizedPnl: canonical(insuranceUpnl),
      expectedUserEquity: canonical(expected),
      difference: canonical(difference),
      custody: { source: attestation ? 'attested' : 'ledger', amount: canonical(custody), ledgerAmount: canonical(custodyWallet) },
      custodySurplus: canonical(surplus),
      receivables: canonical(excludedNegative.negated()),
    };
  });

  const symbols: SymbolReconciliation[] = equities.exposures.map((e) => {
    if (!e.longQty.equals(e.shortQty)) {
      mismatches.push({ kind: 'OPEN_INTEREST', asset: e.asset, symbol: e.symbol, detail: `${e.symbol}: open interest long ${canonical(e.longQty)} ≠ short ${canonical(e.shortQty)}, so Σ uPnL depends on the mark` });
    }
    return {
      symbol: e.symbol, asset: e.asset, mark: e.mark, contractSize: e.contractSize,
      openInterestLong: canonical(e.longQty), openInterestShort: canonical(e.shortQty),
      signedEntryNotional: canonical(e.signedEntryNotional), unrealizedPnl: canonical(e.unrealizedPnl),
    };
  });

  return {
    ok: mismatches.length === 0,
    method: audit.root.method,
    auditId: audit.root.auditId,
    requestedPosition: input.requestedPosition,
    logPosition: audit.root.logPosition,
    stateHash: audit.root.stateHash,
    userCount: audit.root.userCount,
    excludedUserCount: audit.root.excludedUserCount,
    assets,
    symbols,
    insurance: {
      positions: equities.insurancePositions.map((p) => ({ symbol: p.symbol, asset: p.asset, side: p.side, qty: p.qty, entryNotional: p.entryNotional, mark: p.mark, unrealizedPnl: canonical(p.unrealizedPnl) })),
    },
    receivables,
    attestation: attestation ? { source: attestation.source, assets: attestation.assets } : null,
    mismatches,
  };
}
