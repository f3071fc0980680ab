/**
 * ProofRenderer: the text of every proof is JSON.stringify(proof), byte for byte, whether its
 * parts are reused (builder proofs: frozen steps, one header) or not (hand-made proofs, other
 * key orders, mutable steps changed between renders, fields JSON leaves out).
 */
import test from 'ava';
import fc from 'fast-check';
import { buildReserveAudit, type ProofDoc } from '../../reserves/index.js';
import { ProofRenderer } from '../../reserves/proofText.js';

const amount = fc.tuple(fc.bigInt({ min: -(10n ** 10n), max: 10n ** 10n }), fc.nat({ max: 99_999_999 })).map(([whole, frac]) => {
  const text = `${whole < 0n ? -whole : whole}.${String(frac).padStart(8, '0')}`.replace(/\.?0+$/, '') || '0';
  return whole < 0n && text !== '0' ? `-${text}` : text;
});

test('builder proofs of generated audits render exactly as JSON.stringify, one renderer across audits', (t) => {
  const renderer = new ProofRenderer();
  fc.assert(
    fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.record({ USDT: amount, BTC: amount }), { minKeys: 1, maxKeys: 40 }), fc.nat(), (users, n) => {
      const audit = buildReserveAudit({
        auditId: `text-${n}`,
        auditSecret: Buffer.alloc(32, n % 251),
        assets: [{ code: 'BTC', scale: 8 }, { code: 'USDT', scale: 8 }],
        logPosition: String(n),
        stateHash: 'ab'.repeat(32),
        equities: new Map(Object.entries(users).map(([u, a]) => [u, new Map(Object.entries(a))])),
      });
      for (const proof of audit.proofs.values()) t.is(renderer.render(proof), JSON.stringify(proof));
    }),
    { numRuns: 60 },
  );
});

function builderProof(): ProofDoc {
  const audit = buildReserveAudit({
    auditId: 'text-x', auditSecret: Buffer.alloc(32, 1), assets: [{ code: 'USDT', scale: 8 }], logPosition: '7', stateHash: 'cd'.repeat(32),
    equities: new Map([['a', new Map([['USDT', '1']])], ['b', new Map([['USDT', '2.5']])], ['c', new Map([['USDT', '3']])]]),
  });
  return audit.proofs.get('a')!;
}

test('mutable parts are never reused: a changed step, header or asset list renders as it is now', (t) => {
  const renderer = new ProofRenderer();
  const proof = builderProof();
  const editable = JSON.parse(JSON.stringify(proof)) as { path: Array<{ siblingHash: string }>; assets: Array<{ code: string }>; auditId: string };
  t.is(renderer.render(editable as unknown as ProofDoc), JSON.stringify(editable));
  editable.path[0]!.siblingHash = '00'.repeat(32);
  editable.assets[0]!.code = 'BTC';
  t.is(renderer.render(editable as unknown as ProofDoc), JSON.stringify(editable));
  // the frozen builder proof after the edited one: its own header and steps
  t.is(renderer.render(proof), JSON.stringify(proof));
  t.is(renderer.render({ ...proof, auditId: 'text-y' }), JSON.stringify({ ...proof, auditId: 'text-y' }));
  t.is(renderer.render(proof), JSON.stringify(proof));
});

test('other shapes fall back to JSON.stringify: key order, missing or undefined fields, holes, extra keys, toJSON', (t) => {
  const renderer = new ProofRenderer();
  const proof = builderProof();
  const { method, ...rest } = proof;
  const shapes: unknown[] = [
    { ...rest, method },
    { ...proof, userSalt: undefined },
    { ...proof, leafIndex: undefined },
    { ...proof, balances: undefined },
    // eslint-disable-next-line no-sparse-arrays
    { ...proof, path: [proof.path[0], , proof.path[1]] },
    { ...proof, path: [proof.path[0], undefined] },
    { ...proof, extra: 1 },
    Object.assign(Object.create({ toJSON: () => 'x' }), proof),
    { ...proof, leafIndex: Number.NaN },
  ];
  for (const shape of shapes) t.is(renderer.render(shape as ProofDoc), JSON.stringify(shape));
});
