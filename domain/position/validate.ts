import { dec, isCanonical } from '../money/decimal.js';
import { isMultipleOf } from '../instrument/grid.js';
import { badInput } from '../shared/errors.js';

/** Stateless checks of command inputs; each failure is BAD_USER_INPUT with a stable reason. */

export function requirePositive(name: string, value: unknown): string {
  if (typeof value !== 'string' || !isCanonical(value) || !dec(value).greaterThan(0)) {
    throw badInput('INVALID_DECIMAL', `${name} must be a positive canonical decimal, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function requireNonNegative(name: string, value: unknown): string {
  if (typeof value !== 'string' || !isCanonical(value) || dec(value).isNegative()) {
    throw badInput('INVALID_DECIMAL', `${name} must be a non-negative canonical decimal, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function requireOnGrid(name: string, value: string, step: string, reason: 'INVALID_TICK' | 'INVALID_LOT'): void {
  if (!isMultipleOf(value, step)) throw badInput(reason, `${name} ${value} is not a multiple of ${step}`);
}

export function requireLeverage(leverage: unknown, maxLeverage: number): number {
  if (typeof leverage !== 'number' || !Number.isInteger(leverage) || leverage < 1 || leverage > maxLeverage) {
    throw badInput('INVALID_LEVERAGE', `leverage must be an integer in 1..${maxLeverage}, got ${String(leverage)}`);
  }
  return leverage;
}

export function requireSeq(seq: unknown): number {
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
    throw badInput('INVALID_SEQ', `trade seq must be a non-negative safe integer, got ${String(seq)}`);
  }
  return seq;
}

export function requireOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw badInput(`INVALID_${name.toUpperCase()}`, `${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}
