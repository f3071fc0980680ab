export type Side = 'BUY' | 'SELL';
export type PositionSide = 'LONG' | 'SHORT';
export type Liquidity = 'MAKER' | 'TAKER';
