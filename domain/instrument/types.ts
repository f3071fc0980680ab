/** Instrument parameters of DESIGN §4 (decimals as canonical strings, leverages as integers). */
export interface Instrument {
  symbol: string;
  quoteAsset: string;
  contractSize: string;
  tickSize: string;
  lotSize: string;
  makerFeeRate: string;
  takerFeeRate: string;
  initialMarginRate: string;
  maintenanceMarginRate: string;
  maxLeverage: number;
  defaultLeverage: number;
  marketProtection: string;
}

/** createInstrument input: marketProtection may be omitted (default 0.05). */
export type InstrumentInput = Omit<Instrument, 'marketProtection'> & { marketProtection?: string };

export const DEFAULT_MARKET_PROTECTION = '0.05';
