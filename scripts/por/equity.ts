/**
 * Per-user equity per asset at one folded log position (DESIGN §11):
 *   equity = wallet.available + wallet.frozen + Σ margin.{symbol}   (the user book of the ledger)
 *          + Σ over the user's open positions of uPnL at the mark of that position.
 * The insurance account is platform-owned: its positions are valued the same way but kept apart
 * (never a leaf). Everything is exact: no display rounding anywhere.
 */
import { isUserFundsAccount } from '../../domain/ledger/accounts.js';
import { ASSET_SCALE } from '../../domain/instrument/validate.js';
import { Decimal, ZERO, canonical, dec } from '../../domain/money/decimal.js';
import { ExactSum, parseMinor } from '../../domain/money/exactSum.js';
import { notional } from '../../domain/money/rules.js';
import { INSURANCE_USER_ID } from '../../domain/position/types.js';
import { allProjections } from '../../projections/index.js';
import type { DumpValue } from '../../projections/store/port.js';
import type { ReserveAsset } from '../../reserves/assets.js';
import type { FoldResult } from '../replay/fold.js';

/** What the equity step could not value exactly; each one fails the reconciliation. */
export interface EquityProblem {
  kind: 'NO_MARK' | 'UNKNOWN_INSTRUMENT' | 'UPNL_NOT_AT_SCALE';
  userId: string;
  symbol: string;
  detail: string;
}

/** One open position valued at the mark (exact). */
export interface ValuedPosition {
  userId: string;
  symbol: string;
  asset: string;
  side: 'LONG' | 'SHORT';
  qty: string;
  entryNotional: string;
  mark: string;
  /** mark·qty·cs − entryNotional for a long, the negation for a short; exact */
  unrealizedPnl: Decimal;
}

export interface SymbolExposure {
  symbol: string;
  asset: string;
  contractSize: string;
  mark: string | null;
  longQty: Decimal;
  shortQty: Decimal;
  /** Σ long entryNotional − Σ short entryNotional, insurance included */
  signedEntryNotional: Decimal;
  /** Σ uPnL of every open position of the symbol, insurance included */
  unrealizedPnl: Decimal;
}

export interface Equities {
  /** the audit's asset list: every asset of the ledger or of a listed instrument (scale 8) */
  assets: ReserveAsset[];
  /** userId → asset → equity (canonical decimal; may be negative) — the builder's input */
  equities: Map<string, Map<string, string>>;
  /** per asset: Σ users' wallet + margins from the user book, Σ users' uPnL */
  userFunds: Map<string, Decimal>;
  userUnrealizedPnl: Map<string, Decimal>;
  /** the insurance account's open positions and their uPnL per asset */
  insurancePositions: ValuedPosition[];
  insuranceUnrealizedPnl: Map<string, Decimal>;
  exposures: SymbolExposure[];
  problems: EquityProblem[];
}

interface InstrumentInfo {
  contractSize: string;
  quoteAsset: string;
}

/**
 * One projection's model read from the fold's store in place: `fold.models` would export every
 * model (journals included) to read this small one.
 */
function modelOf(fold: FoldResult, name: 'instruments'): Record<string, DumpValue> {
  return fold.readModels.exportVersionNow(name, registeredVersion(name));
}

function registeredVersion(name: string): number {
  const projection = allProjections.find((p) => p.name === name);
  if (projection === undefined) throw new Error(`no ${name} projection is registered`);
  return projection.version;
}

function instrumentsOf(fold: FoldResult): Map<string, InstrumentInfo> {
  const out = new Map<string, InstrumentInfo>();
  for (const [key, value] of Object.entries(modelOf(fold, 'instruments'))) {
    if (!key.startsWith('instrument:') || value.type !== 'hash') continue;
    const { symbol, contractSize, quoteAsset } = value.fields;
    if (symbol !== undefined && contractSize !== undefined && quoteAsset !== undefined) out.set(symbol, { contractSize, quoteAsset });
  }
  return out;
}

function registeredUsers(fold: FoldResult): string[] {
  // the keys only: the users model of 100,000 users exported as dumps cost ~0.5 s here
  return fold.readModels
    .keyNames('users', registeredVersion('users'))
    .filter((key) => key.startsWith('user:'))
    .map((key) => key.slice('user:'.length));
}

function add(map: Map<string, Decimal>, key: string, amount: Decimal): void {
  map.set(key, (map.get(key) ?? ZERO).plus(amount));
}

function userSums(map: Map<string, Map<string, ExactSum>>, userId: string): Map<string, ExactSum> {
  let perAsset = map.get(userId);
  if (!perAsset) map.set(userId, (perAsset = new Map()));
  return perAsset;
}

function addExact(map: Map<string, ExactSum>, key: string, amount: number | Decimal): void {
  let sum = map.get(key);
  if (!sum) map.set(key, (sum = new ExactSum()));
  sum.add(amount);
}

export function computeEquities(fold: FoldResult): Equities {
  const instruments = instrumentsOf(fold);
  const problems: EquityProblem[] = [];
  const raw = new Map<string, Map<string, ExactSum>>();
  const userFunds = new Map<string, Decimal>();
  const userUnrealizedPnl = new Map<string, Decimal>();
  const insuranceUnrealizedPnl = new Map<string, Decimal>();
  const insurancePositions: ValuedPosition[] = [];
  const assetCodes = new Set<string>(fold.ledgerBalances.assets());

  // Every registered user has a leaf, even with nothing: they can check they were counted at 0.
  for (const userId of registeredUsers(fold)) raw.set(userId, new Map());

  // exact integer sums of minor units (decimal.js only for an amount off the scale): 100,000s of rows
  const userFundSums = new Map<string, ExactSum>();
  for (const row of fold.ledgerBalances.unsortedRows()) {
    if (row.book !== 'USER' || !isUserFundsAccount(row.account)) continue;
    const minor = parseMinor(row.balance);
    const amount = minor === undefined ? dec(row.balance) : minor;
    addExact(userSums(raw, row.owner), row.asset, amount);
    addExact(userFundSums, row.asset, amount);
  }
  for (const [asset, sum] of userFundSums) userFunds.set(asset, sum.toDecimal());

  const exposures = new Map<string, SymbolExposure>();
  for (const [symbol, info] of instruments) {
    assetCodes.add(info.quoteAsset);
    exposures.set(symbol, {
      symbol, asset: info.quoteAsset, contractSize: info.contractSize, mark: fold.marks[symbol]?.price ?? null,
      longQty: ZERO, shortQty: ZERO, signedEntryNotional: ZERO, unrealizedPnl: ZERO,
    });
  }

  for (const { userId, symbol, state } of fold.positions) {
    if (state.side === null || dec(state.qty).isZero()) continue;
    const exposure = exposures.get(symbol);
    if (!exposure) {
      problems.push({ kind: 'UNKNOWN_INSTRUMENT', userId, symbol, detail: `open position of ${userId} in ${symbol}, which is not listed at this position` });
      continue;
    }
    if (exposure.mark === null) {
      problems.push({ kind: 'NO_MARK', userId, symbol, detail: `open position of ${userId} in ${symbol} but no mark or trade price before this position` });
      continue;
    }
    const isLong = state.side === 'LONG';
    const markNotional = notional(exposure.mark, state.qty, exposure.contractSize);
    const upnl = isLong ? markNotional.minus(state.entryNotional) : dec(state.entryNotional).minus(markNotional);
    // Marks and prices sit on the tick grid and quantities on the lot grid with tick×lot×cs at
    // ≤ 8 decimals, so this never triggers on a valid log. If it did, rounding would make the
    // sum differ from the ledger by dust: refuse to value it instead of hiding the difference.
    if (upnl.decimalPlaces() > ASSET_SCALE) {
      problems.push({ kind: 'UPNL_NOT_AT_SCALE', userId, symbol, detail: `uPnL ${canonical(upnl)} of ${userId} in ${symbol} has more than ${ASSET_SCALE} decimals` });
      continue;
    }
    if (isLong) exposure.longQty = exposure.longQty.plus(state.qty);
    else exposure.shortQty = exposure.shortQty.plus(state.qty);
    exposure.signedEntryNotional = isLong ? exposure.signedEntryNotional.plus(state.entryNotional) : exposure.signedEntryNotional.minus(state.entryNotional);
    exposure.unrealizedPnl = exposure.unrealizedPnl.plus(upnl);
    if (userId === INSURANCE_USER_ID) {
      add(insuranceUnrealizedPnl, exposure.asset, upnl);
      insurancePositions.push({ userId, symbol, asset: exposure.asset, side: state.side, qty: state.qty, entryNotional: state.entryNotional, mark: exposure.mark, unrealizedPnl: upnl });
      continue;
    }
    addExact(userSums(raw, userId), exposure.asset, upnl);
    add(userUnrealizedPnl, exposure.asset, upnl);
  }

  const equities = new Map<string, Map<string, string>>();
  for (const [userId, perAsset] of raw) {
    equities.set(userId, new Map([...perAsset].map(([asset, sum]) => [asset, sum.canonical()] as const)));
  }
  const assets = [...assetCodes].sort().map((code) => ({ code, scale: ASSET_SCALE }));
  return {
    assets, equities, userFunds, userUnrealizedPnl, insurancePositions, insuranceUnrealizedPnl,
    exposures: [...exposures.values()].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0)), problems,
  };
}
