/**
 * Exact conversion between the decimal strings of events and the integer ticks / lots the book
 * works in (DESIGN §4, §7). A price is on the grid only when price / tickSize is an integer —
 * anything else is rejected, never rounded, because rounding would trade at a price nobody asked.
 */
import { Decimal, canonical } from '../../domain/money/decimal.js';

export interface MatchingInstrument {
  symbol: string;
  /** decimal strings, as listed */
  tickSize: string;
  lotSize: string;
}

export class InvalidInstrument extends Error {
  override name = 'InvalidInstrument';
}

/** Conversions are memoised: prices and sizes repeat heavily, decimal.js costs microseconds. */
const CACHE_ENTRIES_MAX = 65_536;

export const GRID_OK = 0;
export const GRID_NOT_DECIMAL = 1;
export const GRID_NOT_POSITIVE = 2;
export const GRID_OFF_GRID = 3;
export const GRID_TOO_LARGE = 4;
export type GridError = 1 | 2 | 3 | 4;

/** A value on the grid is a positive safe integer; a failure is the negated GridError code. */
export type GridResult = number;

const DECIMAL_TEXT = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;

class GridScale {
  private readonly unit: Decimal;
  private readonly toUnits = new Map<string, GridResult>();
  private readonly toText = new Map<number, string>();

  constructor(unitText: string, what: string) {
    if (typeof unitText !== 'string' || !DECIMAL_TEXT.test(unitText)) throw new InvalidInstrument(`${what} ${JSON.stringify(unitText)} is not a decimal`);
    this.unit = new Decimal(unitText);
    if (!this.unit.isPositive() || this.unit.isZero()) throw new InvalidInstrument(`${what} must be positive`);
  }

  units(text: unknown): GridResult {
    if (typeof text !== 'string') return -GRID_NOT_DECIMAL;
    const hit = this.toUnits.get(text);
    if (hit !== undefined) return hit;
    const result = this.compute(text);
    if (this.toUnits.size >= CACHE_ENTRIES_MAX) this.toUnits.clear();
    this.toUnits.set(text, result);
    return result;
  }

  text(units: number): string {
    const hit = this.toText.get(units);
    if (hit !== undefined) return hit;
    const text = canonical(this.unit.times(units));
    if (this.toText.size >= CACHE_ENTRIES_MAX) this.toText.clear();
    this.toText.set(units, text);
    return text;
  }

  private compute(text: string): GridResult {
    if (!DECIMAL_TEXT.test(text) || text.length > 64) return -GRID_NOT_DECIMAL;
    const value = new Decimal(text);
    if (value.isZero()) return -GRID_NOT_POSITIVE;
    const units = value.div(this.unit);
    if (!units.isInteger()) return -GRID_OFF_GRID;
    if (units.greaterThan(Number.MAX_SAFE_INTEGER)) return -GRID_TOO_LARGE;
    return units.toNumber();
  }
}

export class InstrumentGrid {
  readonly symbol: string;
  private readonly price: GridScale;
  private readonly qty: GridScale;

  constructor(instrument: MatchingInstrument) {
    if (typeof instrument.symbol !== 'string' || instrument.symbol.length === 0) throw new InvalidInstrument('symbol is required');
    this.symbol = instrument.symbol;
    this.price = new GridScale(instrument.tickSize, 'tickSize');
    this.qty = new GridScale(instrument.lotSize, 'lotSize');
  }

  /** ticks (> 0) or −GridError */
  priceTicks(price: unknown): GridResult { return this.price.units(price); }
  /** lots (> 0) or −GridError */
  qtyLots(qty: unknown): GridResult { return this.qty.units(qty); }
  priceText(priceTicks: number): string { return this.price.text(priceTicks); }
  /** zero gives "0" (a remaining quantity) */
  qtyText(qtyLots: number): string { return this.qty.text(qtyLots); }
}
