/**
 * buildReserveAudit: typed rejections of bad input (one row each), the deficit rules, and
 * properties over generated equities checked against the independent reference.
 */
import test from 'ava';
import fc from 'fast-check';
import { buildReserveAudit, ReserveInputError, verifyProof, type ReserveAuditInput, type ReserveInputReason } from '../../reserves/index.js';
import { CounterDrbg } from '../../reserves/shuffle.js';
import { referenceAudit } from './reference.js';

const SECRET = Buffer.alloc(32, 9);
const base = (equities: Record<string, Record<string, string>>, overrides: Partial<ReserveAuditInput> = {}): ReserveAuditInput => ({
  auditId: 'b-1',
  auditSecret: SECRET,
  assets: [
    { code: 'USDT', scale: 8 },
    { code: 'ETH', scale: 18 },
  ],
  logPosition: '55',
  stateHash: '0f'.repeat(32),
  equities: new Map(Object.entries(equities).map(([userId, amounts]) => [userId, new Map(Object.entries(amounts))])),
  ...overrides,
});

const rejections: Array<{ name: string; input: ReserveAuditInput; reason: ReserveInputReason }> = [
  { name: 'auditId with a space', input: base({}, { auditId: 'audit 1' }), reason: 'BAD_AUDIT_ID' },
  { name: 'empty auditId', input: base({}, { auditId: '' }), reason: 'BAD_AUDIT_ID' },
  { name: 'short secret', input: base({}, { auditSecret: Buffer.alloc(31) }), reason: 'BAD_AUDIT_SECRET' },
  { name: 'secret as a string', input: base({}, { auditSecret: 'x'.repeat(40) as unknown as Buffer }), reason: 'BAD_AUDIT_SECRET' },
  { name: 'log position not an integer', input: base({}, { logPosition: '1.5' }), reason: 'BAD_LOG_POSITION' },
  { name: 'state hash not hex', input: base({}, { stateHash: 'xyz' }), reason: 'BAD_STATE_HASH' },
  { name: 'no assets', input: base({}, { assets: [] }), reason: 'BAD_ASSETS' },
  { name: 'duplicate asset', input: base({}, { assets: [{ code: 'USDT', scale: 8 }, { code: 'USDT', scale: 8 }] }), reason: 'BAD_ASSETS' },
  { name: 'lower-case asset code', input: base({}, { assets: [{ code: 'usdt', scale: 8 }] }), reason: 'BAD_ASSETS' },
  { name: 'scale above 18', input: base({}, { assets: [{ code: 'USDT', scale: 19 }] }), reason: 'BAD_ASSETS' },
  { name: 'empty user id', input: base({ '': { USDT: '1' } }), reason: 'BAD_USER_ID' },
  { name: 'user id over 256 bytes', input: base({ ['é'.repeat(129)]: { USDT: '1' } }), reason: 'BAD_USER_ID' },
  { name: 'asset not in the list', input: base({ u: { BTC: '1' } }), reason: 'UNKNOWN_ASSET' },
  { name: 'more decimals than the scale', input: base({ u: { USDT: '1.000000001' } }), reason: 'BAD_AMOUNT' },
  { name: 'exponent notation', input: base({ u: { USDT: '1e3' } }), reason: 'BAD_AMOUNT' },
  { name: 'leading zero', input: base({ u: { USDT: '01' } }), reason: 'BAD_AMOUNT' },
  { name: 'plus sign', input: base({ u: { USDT: '+1' } }), reason: 'BAD_AMOUNT' },
  { name: 'balance of 2^64 minor units', input: base({ u: { USDT: '184467440737.09551616' } }), reason: 'BALANCE_OUT_OF_RANGE' },
  { name: 'ETH balance of 2^64 wei', input: base({ u: { ETH: '18.446744073709551616' } }), reason: 'BALANCE_OUT_OF_RANGE' },
];

for (const row of rejections) {
  test(`builder rejects: ${row.name}`, (t) => {
    const error = t.throws(() => buildReserveAudit(row.input), { instanceOf: ReserveInputError });
    t.is(error?.reason, row.reason);
    t.is(error?.code, 'BAD_USER_INPUT');
  });
}

test('builder accepts the largest leaf value and zeros written beyond the scale', (t) => {
  const audit = buildReserveAudit(base({ max: { USDT: '184467440737.09551615', ETH: '18.446744073709551615' }, padded: { USDT: '1.5000000000' } }));
  t.deepEqual(audit.proofs.get('max')!.balances, [
    { asset: 'ETH', amount: '18.446744073709551615' },
    { asset: 'USDT', amount: '184467440737.09551615' },
  ]);
  t.deepEqual(audit.proofs.get('padded')!.balances[1], { asset: 'USDT', amount: '1.5' });
});

test('deficits: never netted; a user with holdings keeps a leaf, a user with only deficits is excluded', (t) => {
  // Given: mixed has −5 USDT and +2 ETH; broke has −1 USDT and 0 ETH; rich has +10 USDT.
  const audit = buildReserveAudit(base({ mixed: { USDT: '-5', ETH: '2' }, broke: { USDT: '-1', ETH: '0' }, rich: { USDT: '10' }, empty: {} }));
  t.deepEqual(audit.root.totals, [
    { asset: 'ETH', amount: '2' },
    { asset: 'USDT', amount: '10' },
  ]);
  t.deepEqual(audit.excluded, [
    { userId: 'broke', asset: 'USDT', amount: '-1' },
    { userId: 'mixed', asset: 'USDT', amount: '-5' },
  ]);
  t.deepEqual(audit.excludedTotals, [
    { asset: 'ETH', amount: '0' },
    { asset: 'USDT', amount: '-6' },
  ]);
  t.deepEqual(audit.root.excludedNegative, audit.excludedTotals);
  t.is(audit.root.excludedUserCount, 1);
  t.is(audit.root.userCount, 3);
  t.deepEqual([...audit.proofs.keys()].sort(), ['empty', 'mixed', 'rich']);
  t.deepEqual(audit.proofs.get('mixed')!.balances, [
    { asset: 'ETH', amount: '2' },
    { asset: 'USDT', amount: '0' },
  ]);
});

test('the leaf order does not depend on the order of the equities map', (t) => {
  const forward = buildReserveAudit(base({ a: { USDT: '1' }, b: { USDT: '2' }, c: { USDT: '3' } }));
  const backward = buildReserveAudit(base({ c: { USDT: '3' }, b: { USDT: '2' }, a: { USDT: '1' } }));
  t.deepEqual(forward.root, backward.root);
  t.deepEqual(forward.proofs.get('b'), backward.proofs.get('b'));
});

test('the leaf order changes with the audit secret', (t) => {
  const users = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`user-${i}`, { USDT: '1' }]));
  const orderOf = (secretByte: number) => {
    const audit = buildReserveAudit(base(users, { auditSecret: Buffer.alloc(32, secretByte) }));
    return Object.keys(users).map((userId) => audit.proofs.get(userId)!.leafIndex);
  };
  t.notDeepEqual(orderOf(1), orderOf(2));
  t.deepEqual(orderOf(1), orderOf(1));
});

test('the generator rejects words in the biased tail (rejection sampling)', (t) => {
  // 2^32 mod 3 = 1, so the single word 0xffffffff must be redrawn for a bound of 3.
  class Scripted extends CounterDrbg {
    constructor(private readonly words: number[]) {
      super(Buffer.alloc(32));
    }
    override nextU32(): number {
      return this.words.shift()!;
    }
  }
  t.is(new Scripted([0xffffffff, 7]).nextBelow(3), 1);
  t.is(new Scripted([0xfffffffe, 7]).nextBelow(3), 0xfffffffe % 3);
  // 2^32 mod 10 = 6: words 4294967290..4294967295 are rejected
  t.is(new Scripted([4294967290, 4294967295, 13]).nextBelow(10), 3);
  t.is(new Scripted([4294967289]).nextBelow(10), 9);
});

const amountArb = fc
  .tuple(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 14n }), fc.boolean())
  .map(([units, zero]) => (zero ? 0n : units))
  .map((units) => {
    const negative = units < 0n;
    const digits = (negative ? -units : units).toString().padStart(9, '0');
    const fraction = digits.slice(-8).replace(/0+$/, '');
    const text = fraction === '' ? digits.slice(0, -8) : `${digits.slice(0, -8)}.${fraction}`;
    return negative && units !== 0n ? `-${text}` : text;
  });
const equitiesArb = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.record({ USDT: amountArb, BTC: amountArb }, { requiredKeys: [] }),
  { maxKeys: 40 },
);

test('property: matches the reference, every proof verifies, totals and deficits add up', (t) => {
  fc.assert(
    fc.property(equitiesArb, fc.uint8Array({ minLength: 32, maxLength: 32 }), (equities, secret) => {
      const input = base(equities, {
        auditSecret: Buffer.from(secret),
        assets: [
          { code: 'USDT', scale: 8 },
          { code: 'BTC', scale: 8 },
        ],
      });
      const audit = buildReserveAudit(input);
      const ref = referenceAudit({ auditId: input.auditId, auditSecretHex: Buffer.from(secret).toString('hex'), assets: [...input.assets], equities });
      if (audit.root.rootHash !== ref.rootHash) return false;
      for (const [userId, proof] of audit.proofs) {
        if (proof.leafIndex !== ref.users[userId]!.leafIndex) return false;
        if (!verifyProof(proof, audit.root, { userId }).ok) return false;
      }
      // Σ equity = tree total + excluded negatives, per asset, to the minor unit.
      const units = (text: string) => {
        const negative = text.startsWith('-');
        const [whole, fraction = ''] = (negative ? text.slice(1) : text).split('.');
        const value = BigInt(whole + fraction.padEnd(8, '0'));
        return negative ? -value : value;
      };
      for (const [a, code] of ['BTC', 'USDT'].entries()) {
        const all = Object.values(equities).reduce((sum, e) => sum + units((e as Record<string, string>)[code] ?? '0'), 0n);
        if (units(audit.root.totals[a]!.amount) + units(audit.excludedTotals[a]!.amount) !== all) return false;
      }
      return audit.root.userCount === audit.proofs.size && audit.root.leafCount >= audit.root.userCount;
    }),
    { numRuns: 60 },
  );
  t.pass();
});
