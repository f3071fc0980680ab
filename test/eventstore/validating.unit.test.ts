import test from 'ava';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { InvalidEventData } from '../../eventstore/errors.js';
import { ANY } from '../../eventstore/port.js';
import { serializedPayloadOf, validateAppend } from '../../eventstore/validating.js';

/** The contract, written independently: finite numbers, strings, booleans, null, arrays, plain objects, depth < 64. */
function firstProblem(value: unknown, depth: number, path: string): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${path} is not a finite number`;
  if (typeof value !== 'object') return `${path} is a ${typeof value}, not JSON`;
  if (depth >= 64) return `${path} is nested deeper than 64 (or cyclic)`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = firstProblem(value[i], depth + 1, `${path}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return `${path} is not a plain object`;
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined) continue;
    const problem = firstProblem(child, depth + 1, `${path}.${key}`);
    if (problem) return problem;
  }
  return undefined;
}

function outcome(data: Record<string, unknown>): string | undefined {
  try {
    validateAppend('s-1', [{ id: randomUUID(), type: 'T', data, metadata: {} }], ANY);
    return undefined;
  } catch (error) {
    if (!(error instanceof InvalidEventData)) throw error;
    return error.message;
  }
}

test('the validation accepts exactly the JSON trees and names the first offending path', (t) => {
  const anything = fc.anything({
    maxDepth: 4,
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true,
  });
  fc.assert(
    fc.property(fc.dictionary(fc.string(), anything), (data) => {
      const problem = firstProblem(data, 0, 'event 0.data');
      t.is(outcome(data), problem);
    }),
    { numRuns: 3000 },
  );
});

test('functions, non-finite numbers, cycles and deep nesting are rejected with their path', (t) => {
  t.is(outcome({ a: [1, { f: () => 1 }] }), 'event 0.data.a[1].f is a function, not JSON');
  t.is(outcome({ a: { n: Number.NaN } }), 'event 0.data.a.n is not a finite number');
  const cyclic: Record<string, unknown> = { x: 1 };
  cyclic['self'] = cyclic;
  t.regex(outcome(cyclic)!, /nested deeper than 64 \(or cyclic\)$/);
  let deep: Record<string, unknown> = {};
  for (let i = 0; i < 63; i++) deep = { d: deep };
  t.is(outcome(deep), undefined);
  t.regex(outcome({ d: deep })!, /nested deeper than 64/);
  t.is(outcome({ when: new Date(0) }), 'event 0.data.when is not a plain object');
  t.is(outcome({ skipped: undefined, kept: 'x' }), undefined);
});

test('an accepted event keeps its serialised payload for the adapter', (t) => {
  const event = { id: randomUUID(), type: 'T', data: { a: '1.5', b: [1, null] }, metadata: { m: true } };
  validateAppend('s-1', [event], ANY);
  t.deepEqual(serializedPayloadOf(event), { data: JSON.stringify(event.data), metadata: JSON.stringify(event.metadata) });
});
