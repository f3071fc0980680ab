/** sortByCodePoints (the fast sort of exports) orders exactly like compareCodePoints, astral characters included. */
import test from 'ava';
import fc from 'fast-check';
import { compareCodePoints, sortByCodePoints } from '../../projections/store/keys.js';

const unit = fc.constantFrom('a', 'Z', '0', ':', 'é', '\uE000', '\uFFFD', '😀', '𝄞', '\u0000');
const text = fc.array(unit, { maxLength: 5 }).map((units) => units.join(''));

test('sortByCodePoints gives code point order, with and without surrogates', (t) => {
  fc.assert(fc.property(fc.array(text, { maxLength: 20 }), (values) => {
    const expected = [...values].sort(compareCodePoints);
    return JSON.stringify(sortByCodePoints([...values])) === JSON.stringify(expected);
  }), { numRuns: 500 });
  t.deepEqual(sortByCodePoints(['\uFFFD', '😀', 'a']), ['a', '\uFFFD', '😀'], 'an astral character sorts after U+FFFD (UTF-16 order would put it first)');
});
