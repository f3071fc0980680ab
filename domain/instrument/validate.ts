import { DECIMAL_INPUT, canonical, dec, type Decimal } from '../money/decimal.js';
import { badInput } from '../shared/errors.js';
import { DEFAULT_MARKET_PROTECTION, type Instrument, type InstrumentInput } from './types.js';

/** Symbols become stream ids and map keys: upper-case letters, digits and inner dashes. */
export const SYMBOL_PATTERN = /^[A-Z0-9]+(-[A-Z0-9]+)*$/;
const ASSET_PATTERN = /^[A-Z0-9]{2,12}$/;
export const ASSET_SCALE = 8;
export const MAX_LEVERAGE_LIMIT = 1000;

function decimalField(value: unknown, field: string, reason: string): Decimal {
  if (typeof value !== 'string' || !DECIMAL_INPUT.test(value)) throw badInput(reason, `${field} must be a plain decimal with at most 8 fraction digits, got ${JSON.stringify(value)}`);
  return dec(value);
}

function leverageField(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_LEVERAGE_LIMIT) {
    throw badInput('INVALID_LEVERAGE', `${field} must be an integer in [1, ${MAX_LEVERAGE_LIMIT}], got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * createInstrument's stateless checks (DESIGN §4), in this precedence: INVALID_SYMBOL,
 * INVALID_ASSET, INVALID_SIZE (contractSize / tickSize / lotSize not > 0), INVALID_CONTRACT_SPEC
 * (tickSize × lotSize × contractSize with more than 8 decimals — every notional must be exact at
 * the asset scale), INVALID_FEE_RATE (negative or ≥ 1), INVALID_MARGIN_RATE (IMR not in (0, 1],
 * MMR not in (0, IMR)), INVALID_LEVERAGE (not an integer ≥ 1, default above max),
 * INVALID_MARKET_PROTECTION (not in (0, 1)). The existing-symbol CONFLICT is the decider's.
 * Returns the instrument with every decimal canonical.
 */
export function validateInstrument(input: InstrumentInput): Instrument {
  if (typeof input.symbol !== 'string' || input.symbol.length > 40 || !SYMBOL_PATTERN.test(input.symbol)) {
    throw badInput('INVALID_SYMBOL', `symbol must match ${SYMBOL_PATTERN} (≤ 40 chars), got ${JSON.stringify(input.symbol)}`);
  }
  if (typeof input.quoteAsset !== 'string' || !ASSET_PATTERN.test(input.quoteAsset)) throw badInput('INVALID_ASSET', `quoteAsset must match ${ASSET_PATTERN}`);
  const cs = decimalField(input.contractSize, 'contractSize', 'INVALID_SIZE');
  const tick = decimalField(input.tickSize, 'tickSize', 'INVALID_SIZE');
  const lot = decimalField(input.lotSize, 'lotSize', 'INVALID_SIZE');
  for (const [name, v] of [['contractSize', cs], ['tickSize', tick], ['lotSize', lot]] as const) {
    if (!v.greaterThan(0)) throw badInput('INVALID_SIZE', `${name} must be > 0`);
  }
  const unit = tick.times(lot).times(cs);
  if (unit.decimalPlaces() > ASSET_SCALE) {
    throw badInput('INVALID_CONTRACT_SPEC', `tickSize × lotSize × contractSize = ${canonical(unit)} has more than ${ASSET_SCALE} decimals`);
  }
  const maker = decimalField(input.makerFeeRate, 'makerFeeRate', 'INVALID_FEE_RATE');
  const taker = decimalField(input.takerFeeRate, 'takerFeeRate', 'INVALID_FEE_RATE');
  for (const [name, v] of [['makerFeeRate', maker], ['takerFeeRate', taker]] as const) {
    if (v.greaterThanOrEqualTo(1)) throw badInput('INVALID_FEE_RATE', `${name} must be < 1`);
  }
  const imr = decimalField(input.initialMarginRate, 'initialMarginRate', 'INVALID_MARGIN_RATE');
  const mmr = decimalField(input.maintenanceMarginRate, 'maintenanceMarginRate', 'INVALID_MARGIN_RATE');
  if (!imr.greaterThan(0) || imr.greaterThan(1)) throw badInput('INVALID_MARGIN_RATE', 'initialMarginRate must be in (0, 1]');
  if (!mmr.greaterThan(0)) throw badInput('INVALID_MARGIN_RATE', 'maintenanceMarginRate must be > 0');
  if (mmr.greaterThanOrEqualTo(imr)) throw badInput('INVALID_MARGIN_RATE', `maintenanceMarginRate ${canonical(mmr)} must be below initialMarginRate ${canonical(imr)}`);
  const maxLeverage = leverageField(input.maxLeverage, 'maxLeverage');
  const defaultLeverage = leverageField(input.defaultLeverage, 'defaultLeverage');
  if (defaultLeverage > maxLeverage) throw badInput('INVALID_LEVERAGE', `defaultLeverage ${defaultLeverage} above maxLeverage ${maxLeverage}`);
  const protection = decimalField(input.marketProtection ?? DEFAULT_MARKET_PROTECTION, 'marketProtection', 'INVALID_MARKET_PROTECTION');
  if (!protection.greaterThan(0) || !protection.lessThan(1)) throw badInput('INVALID_MARKET_PROTECTION', 'marketProtection must be in (0, 1)');
  return {
    symbol: input.symbol,
    quoteAsset: input.quoteAsset,
    contractSize: canonical(cs),
    tickSize: canonical(tick),
    lotSize: canonical(lot),
    makerFeeRate: canonical(maker),
    takerFeeRate: canonical(taker),
    initialMarginRate: canonical(imr),
    maintenanceMarginRate: canonical(mmr),
    maxLeverage,
    defaultLeverage,
    marketProtection: canonical(protection),
  };
}
