import type { PositionInstrument } from '../../../domain/position/index.js';

/** A realistic perpetual: BTC-PERP, 0.001 BTC per contract, 0.1 tick, whole-contract lots. */
export const BTC_PERP: PositionInstrument = {
  symbol: 'BTC-PERP',
  contractSize: '0.001',
  tickSize: '0.1',
  lotSize: '1',
  makerFeeRate: '0.0002',
  takerFeeRate: '0.0005',
  initialMarginRate: '0.01',
  maintenanceMarginRate: '0.005',
  maxLeverage: 100,
  defaultLeverage: 10,
};
