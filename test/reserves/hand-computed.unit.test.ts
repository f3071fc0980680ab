/**
 * A two-user audit computed byte by byte here with node:crypto, following
 * docs/proof-of-reserves.md literally, and compared with the builder's output.
 */
import { createHash, createHmac } from 'node:crypto';
import test from 'ava';
import { buildReserveAudit, verifyProof } from '../../reserves/index.js';

const secret = Buffer.from('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'hex');
const auditId = 'hand-1';

function hex(bytes: number[] | Buffer): string {
  return Buffer.from(bytes).toString('hex');
}

test('two users, two assets: salts, user hashes, order, leaves and root by hand', (t) => {
  // Given: u1 holds 10 USDT and 2 satoshi of BTC, u2 holds 0.5 USDT (assets passed out of order).
  const audit = buildReserveAudit({
    auditId,
    auditSecret: secret,
    assets: [
      { code: 'USDT', scale: 8 },
      { code: 'BTC', scale: 8 },
    ],
    logPosition: '7',
    stateHash: 'ab'.repeat(32),
    equities: new Map([
      ['u1', new Map([['USDT', '10'], ['BTC', '0.00000002']])],
      ['u2', new Map([['USDT', '0.5']])],
    ]),
  });

  // Salt and user hash.
  const salt = (userId: string) =>
    createHmac('sha256', secret).update(Buffer.concat([Buffer.from('oec-por-v1/user-salt\0' + auditId + '\0' + userId, 'utf8')])).digest();
  const userHash = (userId: string) => createHash('sha256').update(Buffer.concat([salt(userId), Buffer.from(userId)])).digest();

  // Leaves: BTC before USDT; 10 USDT = 1_000_000_000 = 0x3b9aca00 minor units, 0.5 USDT = 50_000_000 = 0x02faf080.
  const balancesU1 = Buffer.from('0000000000000002' + '000000003b9aca00', 'hex');
  const balancesU2 = Buffer.from('0000000000000000' + '0000000002faf080', 'hex');
  const leafInput = (userId: string, balances: Buffer) => Buffer.concat([Buffer.from([0x00]), userHash(userId), balances]);
  t.is(leafInput('u1', balancesU1).length, 1 + 32 + 2 * 8);
  const leaf1 = createHash('sha256').update(leafInput('u1', balancesU1)).digest();
  const leaf2 = createHash('sha256').update(leafInput('u2', balancesU2)).digest();

  // Order: sort by userHash, then Fisher–Yates over 2 items draws one word w; j = w mod 2 (no
  // rejection: 2 divides 2^32); j = 0 swaps the two.
  const seed = createHmac('sha256', secret).update(Buffer.from('oec-por-v1/shuffle\0' + auditId, 'utf8')).digest();
  const firstWord = createHash('sha256').update(Buffer.concat([seed, Buffer.alloc(8)])).digest().readUInt32BE(0);
  const sorted: Array<'u1' | 'u2'> = Buffer.compare(userHash('u1'), userHash('u2')) < 0 ? ['u1', 'u2'] : ['u2', 'u1'];
  const order = firstWord % 2 === 0 ? [sorted[1]!, sorted[0]!] : sorted;

  const leafOf = { u1: leaf1, u2: leaf2 };
  // Node sums widen each leaf balance to u128.
  const sumsOf = {
    u1: Buffer.from('0000000000000000' + '0000000000000002' + '0000000000000000' + '000000003b9aca00', 'hex'),
    u2: Buffer.from('0000000000000000' + '0000000000000000' + '0000000000000000' + '0000000002faf080', 'hex'),
  };
  const [left, right] = order as ['u1' | 'u2', 'u1' | 'u2'];
  const rootInput = Buffer.concat([Buffer.from([0x01]), leafOf[left], sumsOf[left], leafOf[right], sumsOf[right]]);
  t.is(rootInput.length, 1 + 2 * (32 + 2 * 16));
  const rootHash = createHash('sha256').update(rootInput).digest('hex');

  t.is(audit.root.rootHash, rootHash);
  t.deepEqual(audit.root.totals, [
    { asset: 'BTC', amount: '0.00000002' },
    { asset: 'USDT', amount: '10.5' },
  ]);
  t.is(audit.root.treeDepth, 1);
  t.is(audit.root.leafCount, 2);
  t.is(audit.root.userCount, 2);

  for (const userId of ['u1', 'u2'] as const) {
    const proof = audit.proofs.get(userId)!;
    const other = userId === 'u1' ? 'u2' : 'u1';
    t.is(proof.userSalt, salt(userId).toString('hex'));
    t.is(proof.userHash, userHash(userId).toString('hex'));
    t.is(proof.leafHash, leafOf[userId].toString('hex'));
    t.is(proof.leafIndex, order.indexOf(userId));
    t.deepEqual(proof.path, [
      {
        siblingHash: hex(leafOf[other]),
        siblingSums: audit.proofs.get(other)!.balances,
        siblingOnLeft: proof.leafIndex === 1,
      },
    ]);
    t.true(verifyProof(proof, audit.root, { userId }).ok);
  }
});

test('one user: the root is the leaf itself and the path is empty', (t) => {
  const audit = buildReserveAudit({
    auditId,
    auditSecret: secret,
    assets: [{ code: 'USDT', scale: 8 }],
    logPosition: '0',
    stateHash: 'cd'.repeat(32),
    equities: new Map([['solo', new Map([['USDT', '1']])]]),
  });
  const salt = createHmac('sha256', secret).update(Buffer.from(`oec-por-v1/user-salt\0${auditId}\0solo`)).digest();
  const hash = createHash('sha256').update(salt).update('solo').digest();
  const leaf = createHash('sha256').update(Buffer.concat([Buffer.from([0]), hash, Buffer.from('0000000005f5e100', 'hex')])).digest('hex');
  t.is(audit.root.rootHash, leaf);
  t.deepEqual(audit.proofs.get('solo')!.path, []);
  t.true(verifyProof(audit.proofs.get('solo'), audit.root).ok);
});

test('no included user: the root is the zero leaf with zero totals', (t) => {
  const audit = buildReserveAudit({
    auditId,
    auditSecret: secret,
    assets: [{ code: 'USDT', scale: 8 }],
    logPosition: '0',
    stateHash: 'cd'.repeat(32),
    equities: new Map([['broke', new Map([['USDT', '-1']])]]),
  });
  t.is(audit.root.rootHash, createHash('sha256').update(Buffer.alloc(1 + 32 + 8)).digest('hex'));
  t.deepEqual(audit.root.totals, [{ asset: 'USDT', amount: '0' }]);
  t.is(audit.root.userCount, 0);
  t.is(audit.proofs.size, 0);
  t.deepEqual(audit.root.excludedNegative, [{ asset: 'USDT', amount: '-1' }]);
});
