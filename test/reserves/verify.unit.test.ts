/**
 * The standalone verifier: every honest proof passes; every tampering is rejected with the
 * reason of docs/proof-of-reserves.md §9 (one row per tampering, TigerBeetle style).
 */
import test from 'ava';
import { buildReserveAudit, verifyProof, type ProofDoc, type ReserveAudit, type RootDoc, type VerifyRejection } from '../../reserves/index.js';
import { leafHash, nodeHash, zeroLeafHash } from '../../reserves/hashing.js';
import { formatMinorUnits, parseCanonicalAmount } from '../../reserves/amounts.js';

const ASSETS = [
  { code: 'BTC', scale: 8 },
  { code: 'USDT', scale: 8 },
];

function audit(auditId: string, users: Record<string, [btc: string, usdt: string]>, secretByte = 1): ReserveAudit {
  return buildReserveAudit({
    auditId,
    auditSecret: Buffer.alloc(32, secretByte),
    assets: ASSETS,
    logPosition: '1000',
    stateHash: 'ee'.repeat(32),
    equities: new Map(Object.entries(users).map(([userId, [btc, usdt]]) => [userId, new Map([['BTC', btc], ['USDT', usdt]])])),
  });
}

// Every user holds both assets, so a parent's max never equals its sum.
const USERS: Record<string, [string, string]> = {
  ann: ['0.1', '100'],
  ben: ['0.2', '250.5'],
  cat: ['1.5', '3'],
  dan: ['0.00000007', '77.77'],
  eve: ['2', '0.01'],
  fay: ['0.3', '12345.6789'],
};
const honest = audit('por-2024-06', USERS);
const other = audit('por-2024-07', USERS, 2);

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? Mutable<U>[] : T[K] extends object ? Mutable<T[K]> : T[K] };
type Proof = Mutable<ProofDoc>;
type Root = Mutable<RootDoc>;

function userAt(a: ReserveAudit, leafIndex: number): string {
  return [...a.proofs].find(([, proof]) => proof.leafIndex === leafIndex)![0];
}
const FIRST = userAt(honest, 0);

function copies(a: ReserveAudit = honest, userId = FIRST): { proof: Proof; root: Root } {
  return { proof: structuredClone(a.proofs.get(userId)) as Proof, root: structuredClone(a.root) as Root };
}

const add = (amount: string, minorUnits: bigint): string => {
  const parsed = parseCanonicalAmount(amount, 8);
  if (!parsed.ok) throw new Error(`bad fixture amount ${amount}`);
  return formatMinorUnits(parsed.minorUnits + minorUnits, 8);
};

test('every honest proof verifies, with and without the user id, and returns the balances', (t) => {
  t.is(honest.proofs.size, 6);
  for (const [userId, proof] of honest.proofs) {
    const result = verifyProof(JSON.parse(JSON.stringify(proof)), JSON.parse(JSON.stringify(honest.root)), { userId });
    t.deepEqual(result, {
      ok: true,
      auditId: 'por-2024-06',
      rootHash: honest.root.rootHash,
      userHash: proof.userHash,
      balances: [
        { asset: 'BTC', amount: USERS[userId]![0] },
        { asset: 'USDT', amount: USERS[userId]![1] },
      ],
    });
    t.true(verifyProof(proof, honest.root).ok);
  }
});

interface Row {
  name: string;
  tamper: (docs: { proof: Proof; root: Root }) => void;
  reason: VerifyRejection;
  userId?: string;
}

const TWO_POW_64 = '184467440737.09551616';
const TWO_POW_128 = '3402823669209384634633746074317.68211456';
const TWO_POW_128_MINUS_1 = '3402823669209384634633746074317.68211455';

const rows: Row[] = [
  // balances
  { name: 'flipped balance', tamper: ({ proof }) => void (proof.balances[1]!.amount = add(proof.balances[1]!.amount, 1n)), reason: 'LEAF_HASH_MISMATCH' },
  {
    name: 'flipped balance with a matching forged leaf hash',
    tamper: ({ proof }) => {
      proof.balances[0]!.amount = add(proof.balances[0]!.amount, 100n);
      const units = proof.balances.map((b) => (parseCanonicalAmount(b.amount, 8) as { minorUnits: bigint }).minorUnits);
      proof.leafHash = leafHash(Buffer.from(proof.userHash, 'hex'), units).toString('hex');
    },
    reason: 'ROOT_HASH_MISMATCH',
  },
  { name: 'negative balance', tamper: ({ proof }) => void (proof.balances[0]!.amount = `-${proof.balances[0]!.amount}`), reason: 'BALANCE_OUT_OF_RANGE' },
  { name: 'balance of 2^64 minor units', tamper: ({ proof }) => void (proof.balances[1]!.amount = TWO_POW_64), reason: 'BALANCE_OUT_OF_RANGE' },
  { name: 'level-0 sibling (a leaf) of 2^64', tamper: ({ proof }) => void (proof.path[0]!.siblingSums[0]!.amount = TWO_POW_64), reason: 'BALANCE_OUT_OF_RANGE' },
  { name: 'negative sibling sum', tamper: ({ proof }) => void (proof.path[1]!.siblingSums[1]!.amount = '-5'), reason: 'SUM_OUT_OF_RANGE' },
  { name: 'sibling sum of 2^128', tamper: ({ proof }) => void (proof.path[2]!.siblingSums[0]!.amount = TWO_POW_128), reason: 'SUM_OUT_OF_RANGE' },
  { name: 'sibling sum that overflows 2^128 when added', tamper: ({ proof }) => void (proof.path[2]!.siblingSums[0]!.amount = TWO_POW_128_MINUS_1), reason: 'SUM_OUT_OF_RANGE' },
  { name: 'root total of 2^128', tamper: ({ root }) => void (root.totals[0]!.amount = TWO_POW_128), reason: 'SUM_OUT_OF_RANGE' },
  { name: 'sibling sum lowered by one unit', tamper: ({ proof }) => void (proof.path[1]!.siblingSums[1]!.amount = add(proof.path[1]!.siblingSums[1]!.amount, -1n)), reason: 'ROOT_HASH_MISMATCH' },
  // path
  { name: 'sibling claimed on the other side', tamper: ({ proof }) => void (proof.path[0]!.siblingOnLeft = !proof.path[0]!.siblingOnLeft), reason: 'PATH_BITS_MISMATCH' },
  {
    name: 'siblings swapped with consistent path bits',
    tamper: ({ proof }) => {
      proof.path[0]!.siblingOnLeft = !proof.path[0]!.siblingOnLeft;
      proof.leafIndex ^= 1;
    },
    reason: 'ROOT_HASH_MISMATCH',
  },
  {
    name: 'two levels of the path swapped',
    tamper: ({ proof }) => void ([proof.path[1], proof.path[2]] = [proof.path[2]!, proof.path[1]!]),
    reason: 'ROOT_HASH_MISMATCH',
  },
  { name: 'sibling hash replaced', tamper: ({ proof }) => void (proof.path[2]!.siblingHash = 'ab'.repeat(32)), reason: 'ROOT_HASH_MISMATCH' },
  { name: 'path truncated', tamper: ({ proof }) => void proof.path.pop(), reason: 'PATH_LENGTH_MISMATCH' },
  { name: 'leaf index in the padding', tamper: ({ proof, root }) => void (root.userCount = proof.leafIndex), reason: 'LEAF_INDEX_OUT_OF_RANGE' },
  // root
  { name: 'wrong root hash in root.json', tamper: ({ root }) => void (root.rootHash = 'cd'.repeat(32)), reason: 'STATED_ROOT_MISMATCH' },
  {
    name: 'wrong root hash in both documents',
    tamper: ({ proof, root }) => {
      root.rootHash = 'cd'.repeat(32);
      proof.rootHash = root.rootHash;
    },
    reason: 'ROOT_HASH_MISMATCH',
  },
  { name: 'root total understated by one unit', tamper: ({ root }) => void (root.totals[1]!.amount = add(root.totals[1]!.amount, -1n)), reason: 'ROOT_TOTALS_MISMATCH' },
  // header consistency
  { name: 'unknown method version', tamper: ({ proof }) => void (proof.method = 'oec-por-merkle-sum-v0'), reason: 'METHOD_UNSUPPORTED' },
  { name: 'proof relabelled to another audit', tamper: ({ proof }) => void (proof.auditId = 'por-2024-07'), reason: 'AUDIT_MISMATCH' },
  { name: 'asset scale changed in the proof', tamper: ({ proof }) => void (proof.assets[1]!.scale = 6), reason: 'ASSETS_MISMATCH' },
  { name: 'asset dropped from the root', tamper: ({ root }) => void root.assets.pop(), reason: 'ASSETS_MISMATCH' },
  { name: 'log position changed', tamper: ({ proof }) => void (proof.logPosition = '999'), reason: 'LOG_POSITION_MISMATCH' },
  // malformed
  { name: 'balances in the wrong asset order', tamper: ({ proof }) => void proof.balances.reverse(), reason: 'MALFORMED_AMOUNT' },
  { name: 'exponent notation', tamper: ({ proof }) => void (proof.balances[0]!.amount = '1e3'), reason: 'MALFORMED_AMOUNT' },
  { name: 'non-canonical trailing zero', tamper: ({ proof }) => {
      const amount = proof.balances[1]!.amount;
      proof.balances[1]!.amount = amount.includes('.') ? `${amount}0` : `${amount}.0`;
    },
    reason: 'MALFORMED_AMOUNT' },
  { name: 'more decimals than the scale', tamper: ({ proof }) => void (proof.balances[1]!.amount = '1.000000001'), reason: 'MALFORMED_AMOUNT' },
  { name: 'amount as a number', tamper: ({ proof }) => void ((proof.balances[1] as { amount: unknown }).amount = 5), reason: 'MALFORMED_AMOUNT' },
  { name: 'uppercase hex', tamper: ({ proof }) => void (proof.path[0]!.siblingHash = proof.path[0]!.siblingHash.toUpperCase()), reason: 'MALFORMED_PROOF' },
  { name: 'fractional leaf index', tamper: ({ proof }) => void (proof.leafIndex = 0.5), reason: 'MALFORMED_PROOF' },
  { name: 'leafCount not 2^treeDepth', tamper: ({ root }) => void (root.leafCount = 6), reason: 'MALFORMED_ROOT' },
];

for (const row of rows) {
  test(`rejects: ${row.name}`, (t) => {
    const docs = copies(honest, row.userId ?? FIRST);
    row.tamper(docs);
    const result = verifyProof(docs.proof, docs.root);
    t.false(result.ok);
    if (!result.ok) t.is(result.reason, row.reason, result.message);
  });
}

test('rejects: the wrong user id for the salt', (t) => {
  const result = verifyProof(honest.proofs.get('ann'), honest.root, { userId: 'ben' });
  t.like(result, { ok: false, reason: 'USER_HASH_MISMATCH' });
});

test('rejects: a proof from another audit, as is, relabelled, and with the other root hash too', (t) => {
  const proof = structuredClone(other.proofs.get('ann')) as Proof;
  t.like(verifyProof(proof, honest.root), { ok: false, reason: 'AUDIT_MISMATCH' });
  proof.auditId = honest.root.auditId;
  t.like(verifyProof(proof, honest.root), { ok: false, reason: 'STATED_ROOT_MISMATCH' });
  proof.rootHash = honest.root.rootHash;
  t.like(verifyProof(proof, honest.root), { ok: false, reason: 'ROOT_HASH_MISMATCH' });
  // The same balances under another secret are a different tree: the audits share nothing.
  t.deepEqual(other.root.totals, honest.root.totals);
  t.not(other.root.rootHash, honest.root.rootHash);
});

test('rejects: a user dropped from the tree detects it with their proof', (t) => {
  const dropped = 'cat';
  const { [dropped]: _gone, ...rest } = USERS;
  const shrunk = audit('por-2024-06', rest);
  const proof = structuredClone(honest.proofs.get(dropped)) as Proof;
  t.like(verifyProof(proof, shrunk.root), { ok: false, reason: 'STATED_ROOT_MISMATCH' });
  proof.rootHash = shrunk.root.rootHash;
  t.like(verifyProof(proof, shrunk.root), { ok: false, reason: 'ROOT_HASH_MISMATCH' });
  // the remaining users cannot tell, so the check must be the dropped user's own
  for (const [userId, p] of shrunk.proofs) t.true(verifyProof(p, shrunk.root).ok, userId);
  t.is(shrunk.root.userCount, 5);
});

test('rejects: a tree whose node sums are the max of the children instead of their sum', (t) => {
  // The operator's attack: build the same leaves but let every parent carry max(left, right),
  // which understates the total liabilities published in root.json.
  const leaves = [...honest.proofs.values()].sort((a, b) => a.leafIndex - b.leafIndex);
  const units = (amounts: readonly { amount: string }[]) => amounts.map((a) => (parseCanonicalAmount(a.amount, 8) as { minorUnits: bigint }).minorUnits);
  let level = Array.from({ length: honest.root.leafCount }, (_, i) =>
    leaves[i] ? { hash: Buffer.from(leaves[i]!.leafHash, 'hex'), sums: units(leaves[i]!.balances) } : { hash: zeroLeafHash(2), sums: [0n, 0n] },
  );
  const levels = [level];
  while (level.length > 1) {
    const next = [];
    for (let i = 0; i < level.length; i += 2) {
      const [l, r] = [level[i]!, level[i + 1]!];
      next.push({ hash: nodeHash(l.hash, l.sums, r.hash, r.sums), sums: l.sums.map((s, a) => (s > r.sums[a]! ? s : r.sums[a]!)) });
    }
    levels.push(next);
    level = next;
  }
  const forgedRoot: Root = {
    ...(structuredClone(honest.root) as Root),
    rootHash: level[0]!.hash.toString('hex'),
    totals: ASSETS.map((asset, a) => ({ asset: asset.code, amount: formatMinorUnits(level[0]!.sums[a]!, 8) })),
  };
  t.not(forgedRoot.totals[1]!.amount, honest.root.totals[1]!.amount, 'the forgery understates liabilities');
  for (const honestProof of leaves) {
    const proof = structuredClone(honestProof) as Proof;
    proof.rootHash = forgedRoot.rootHash;
    let index = proof.leafIndex;
    proof.path = levels.slice(0, -1).map((nodes) => {
      const sibling = nodes[index ^ 1]!;
      const step = {
        siblingHash: sibling.hash.toString('hex'),
        siblingSums: ASSETS.map((asset, a) => ({ asset: asset.code, amount: formatMinorUnits(sibling.sums[a]!, 8) })),
        siblingOnLeft: (index & 1) === 1,
      };
      index >>= 1;
      return step;
    });
    const result = verifyProof(proof, forgedRoot);
    t.false(result.ok, `leaf ${proof.leafIndex}`);
    if (!result.ok) t.true(result.reason === 'ROOT_HASH_MISMATCH' || result.reason === 'ROOT_TOTALS_MISMATCH', result.reason);
  }
});

test('reasons follow the documented precedence: audit, amount syntax, ranges, hashes', (t) => {
  const docs = copies();
  docs.proof.balances[0]!.amount = '-1';
  docs.proof.path[0]!.siblingOnLeft = !docs.proof.path[0]!.siblingOnLeft;
  t.like(verifyProof(docs.proof, docs.root), { ok: false, reason: 'BALANCE_OUT_OF_RANGE' });
  docs.proof.path[2]!.siblingSums[0]!.amount = '1.50';
  t.like(verifyProof(docs.proof, docs.root), { ok: false, reason: 'MALFORMED_AMOUNT' });
  docs.proof.auditId = 'elsewhere';
  t.like(verifyProof(docs.proof, docs.root), { ok: false, reason: 'AUDIT_MISMATCH' });
  t.like(verifyProof(null, docs.root), { ok: false, reason: 'MALFORMED_PROOF' });
  t.like(verifyProof(null, {}), { ok: false, reason: 'MALFORMED_ROOT' });
});
