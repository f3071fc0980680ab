import { dec } from '../money/decimal.js';
import { entryPrice, liquidationPrice, unrealizedPnl } from '../money/rules.js';
import { c } from './state.js';
import type { PositionInstrument, PositionSide, PositionState } from './types.js';

export interface PositionView {
  side: PositionSide | null;
  qty: string;
  entryNotional: string;
  entryPrice: string | null;
  margin: string;
  leverage: number;
  realizedPnl: string;
  /** at the mark given; null without a mark or when flat */
  unrealizedPnl: string | null;
  liquidationPrice: string | null;
}

/** Display values of a position for read models (DESIGN §4, §5 detail 9; 8 dp half-even). */
export function positionView(state: PositionState, instrument: PositionInstrument, mark?: string): PositionView {
  const flat = state.side === null || dec(state.qty).isZero();
  const cs = instrument.contractSize;
  const isLong = state.side === 'LONG';
  const entry = flat ? undefined : entryPrice(state.entryNotional, state.qty, cs);
  const liq = flat ? undefined : liquidationPrice(isLong, state.entryNotional, state.margin, state.qty, cs, instrument.maintenanceMarginRate);
  return {
    side: flat ? null : state.side,
    qty: state.qty,
    entryNotional: state.entryNotional,
    entryPrice: entry === undefined ? null : c(entry),
    margin: state.margin,
    leverage: state.leverage ?? instrument.defaultLeverage,
    realizedPnl: state.realizedPnl,
    unrealizedPnl: flat || mark === undefined ? null : c(unrealizedPnl(isLong, state.entryNotional, state.qty, cs, mark)),
    liquidationPrice: liq === undefined ? null : c(liq),
  };
}

/** The leverage an order placed now records in OrderAccepted. */
export function effectiveLeverage(state: PositionState, instrument: PositionInstrument): number {
  return state.leverage ?? instrument.defaultLeverage;
}
