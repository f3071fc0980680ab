/**
 * Regenerates the known-answer vectors from the reference implementation (never from reserves/):
 *   npx tsx test/reserves/vectors/generate.ts
 * Only needed when the method version changes; the vectors are otherwise frozen.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { drbgWords, referenceAudit, referenceShuffle, type ReferenceInput } from '../reference.js';

const here = new URL('.', import.meta.url);

function decimal(minor: string, scale: number): string {
  const negative = minor.startsWith('-');
  const digits = (negative ? minor.slice(1) : minor).padStart(scale + 1, '0');
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  const text = fraction === '' ? digits.slice(0, digits.length - scale) : `${digits.slice(0, digits.length - scale)}.${fraction}`;
  return negative ? `-${text}` : text;
}

const basicInput: ReferenceInput & { logPosition: string; stateHash: string } = {
  auditId: 'kat-2024-01',
  auditSecretHex: createHash('sha256').update('oec-por-v1 known-answer secret').digest('hex'),
  assets: [
    { code: 'USDT', scale: 8 },
    { code: 'BTC', scale: 8 },
  ],
  logPosition: '123456',
  stateHash: createHash('sha256').update('oec-por-v1 known-answer state').digest('hex'),
  equities: {
    alice: { USDT: '1500.25', BTC: '0.5' },
    bob: { USDT: '0.00000001', BTC: '0' },
    carol: { USDT: '42', BTC: '184467440737.09551615' },
    dave: { USDT: '-120.5', BTC: '0.25' },
    erin: {},
    frank: { USDT: '-7.125' },
  },
};

const ref = referenceAudit(basicInput);
const basic = {
  description:
    'Six users, two assets given out of order. carol holds 2^64-1 BTC minor units (the largest leaf value); dave has a USDT deficit but holds BTC (stays in the tree with USDT 0, deficit listed); erin holds nothing (included, zero balances); frank only has a deficit (excluded). 5 included users → depth 3, 3 zero leaves.',
  input: basicInput,
  expected: {
    zeroLeafHash: ref.zeroLeafHash,
    shuffleSeed: ref.shuffleSeed,
    root: {
      method: 'oec-por-merkle-sum-v1',
      auditId: basicInput.auditId,
      logPosition: basicInput.logPosition,
      stateHash: basicInput.stateHash,
      assets: ref.assets,
      rootHash: ref.rootHash,
      totals: ref.assets.map((asset, a) => ({ asset: asset.code, amount: decimal(ref.rootSums[a]!, asset.scale) })),
      userCount: Object.keys(ref.users).length,
      leafCount: 2 ** ref.depth,
      treeDepth: ref.depth,
      excludedUserCount: ref.excludedUsers.length,
      excludedNegative: ref.assets.map((asset) => ({
        asset: asset.code,
        amount: decimal(
          ref.deficits.filter(([, code]) => code === asset.code).reduce((sum, [, , minor]) => sum + BigInt(minor), 0n).toString(),
          asset.scale,
        ),
      })),
    },
    users: ref.users,
    excluded: ref.deficits.map(([userId, asset, minor]) => ({ userId, asset, amount: decimal(minor, 8) })),
  },
};
writeFileSync(new URL('basic-audit.json', here), `${JSON.stringify(basic, null, 2)}\n`);

const seed = createHash('sha256').update('oec-por-v1 known-answer drbg seed').digest();
const primitives = {
  description: 'Building blocks: zero-leaf hashes by asset count, the counter-mode generator, one shuffle.',
  zeroLeafHash: Object.fromEntries(
    [1, 2, 3].map((assetCount) => [String(assetCount), createHash('sha256').update(Buffer.concat([Buffer.from([0]), Buffer.alloc(32 + 8 * assetCount)])).digest('hex')]),
  ),
  drbg: { seedHex: seed.toString('hex'), firstWords: drbgWords(seed, 20) },
  shuffle: { seedHex: seed.toString('hex'), input: Array.from({ length: 10 }, (_, i) => i), output: referenceShuffle(Array.from({ length: 10 }, (_, i) => i), seed) },
};
writeFileSync(new URL('primitives.json', here), `${JSON.stringify(primitives, null, 2)}\n`);
