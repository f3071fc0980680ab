import { DECIMAL_INPUT, dec, isCanonical, type Decimal } from './decimal.js';
import { badInput } from '../shared/errors.js';

/**
 * Parsing of amounts that come in on commands. User input follows the API grammar (DESIGN §4:
 * plain decimal, ≤ 16 integer and ≤ 8 fraction digits); amounts computed upstream by the
 * workflows (margins, fees) must already be canonical.
 */

/** A strictly positive user amount in the API grammar; BAD_USER_INPUT `reason` otherwise. */
export function positiveInput(text: unknown, reason: string, field: string): Decimal {
  if (typeof text !== 'string' || !DECIMAL_INPUT.test(text)) throw badInput(reason, `${field} must be a plain decimal with at most 8 fraction digits, got ${JSON.stringify(text)}`);
  const d = dec(text);
  if (!d.greaterThan(0)) throw badInput(reason, `${field} must be > 0, got ${text}`);
  return d;
}

/** A non-negative canonical amount at the asset scale (8 dp). */
export function nonNegativeAmount(text: unknown, field: string, scale = 8): Decimal {
  if (typeof text !== 'string' || !isCanonical(text) || text.startsWith('-')) {
    throw badInput('INVALID_AMOUNT', `${field} must be a non-negative canonical decimal, got ${JSON.stringify(text)}`);
  }
  const d = dec(text);
  if (d.decimalPlaces() > scale) throw badInput('INVALID_AMOUNT', `${field} has more than ${scale} decimals: ${text}`);
  return d;
}

/** A signed canonical amount at the asset scale (PnL). */
export function signedAmount(text: unknown, field: string, scale = 8): Decimal {
  if (typeof text !== 'string' || !isCanonical(text)) {
    throw badInput('INVALID_AMOUNT', `${field} must be a canonical decimal, got ${JSON.stringify(text)}`);
  }
  const d = dec(text);
  if (d.decimalPlaces() > scale) throw badInput('INVALID_AMOUNT', `${field} has more than ${scale} decimals: ${text}`);
  return d;
}
