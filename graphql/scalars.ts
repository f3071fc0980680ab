import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { isDecimalInput } from '../domain/money/decimal.js';

/**
 * Decimal: plain decimal strings only (DESIGN §4 input grammar: no sign, no exponent, at most
 * 16 integer and 8 fraction digits). Signs of amounts (positive) are checked by the commands.
 */
function parseDecimal(value: unknown): string {
  if (typeof value !== 'string' || !isDecimalInput(value)) {
    throw new GraphQLError(`Decimal must be a plain decimal string such as "9849.9", got ${JSON.stringify(value)?.slice(0, 40)}`, {
      extensions: { code: 'BAD_USER_INPUT', reason: 'INVALID_DECIMAL' },
    });
  }
  return value;
}

export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'A decimal number as a plain string ("9849.9"), never exponent notation',
  serialize(value) {
    if (typeof value !== 'string') throw new GraphQLError('Decimal values are served as strings');
    return value;
  },
  parseValue: parseDecimal,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) {
      throw new GraphQLError('Decimal literals must be strings', { extensions: { code: 'BAD_USER_INPUT', reason: 'INVALID_DECIMAL' } });
    }
    return parseDecimal(ast.value);
  },
});

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'ISO-8601 UTC timestamp',
  serialize(value) {
    if (typeof value === 'string') return value;
    if (value instanceof Date) return value.toISOString();
    throw new GraphQLError('DateTime values are served as ISO strings');
  },
  parseValue(value) {
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
      throw new GraphQLError('DateTime must be an ISO-8601 string', { extensions: { code: 'BAD_USER_INPUT', reason: 'INVALID_DATETIME' } });
    }
    return new Date(value).toISOString();
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING || Number.isNaN(Date.parse(ast.value))) {
      throw new GraphQLError('DateTime must be an ISO-8601 string', { extensions: { code: 'BAD_USER_INPUT', reason: 'INVALID_DATETIME' } });
    }
    return new Date(ast.value).toISOString();
  },
});
