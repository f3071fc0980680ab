/**
 * Proof-of-reserves tree: build the Merkle-sum tree and every user's inclusion proof, then
 * verify every proof. One JSON line per case.
 *
 *   npx tsx bench/por-tree.bench.ts            (POR_BENCH_USERS, default 100000)
 */
import { performance } from 'node:perf_hooks';
import { buildReserveAudit, verifyProof } from '../reserves/index.js';

const users = Number(process.env.POR_BENCH_USERS ?? 100_000);
const SCALE = 8;

/** deterministic amounts (xorshift), so runs are comparable */
function equities(count: number, assets: string[]): Map<string, Map<string, string>> {
  let state = 0x9e3779b9;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const out = new Map<string, Map<string, string>>();
  for (let i = 0; i < count; i += 1) {
    const amounts = new Map<string, string>();
    for (const asset of assets) {
      const minor = BigInt(next()) * 1000n + BigInt(next() % 1000);
      const digits = minor.toString().padStart(SCALE + 1, '0');
      amounts.set(asset, `${digits.slice(0, -SCALE)}.${digits.slice(-SCALE)}`.replace(/\.?0+$/, '') || '0');
    }
    out.set(`user-${i.toString().padStart(8, '0')}`, amounts);
  }
  return out;
}

for (const assets of [['USDT'], ['BTC', 'USDT']]) {
  const input = equities(users, assets);
  const startMs = performance.now();
  const startCpu = process.cpuUsage();
  const audit = buildReserveAudit({
    auditId: `bench-${assets.length}`,
    auditSecret: Buffer.alloc(32, 42),
    assets: assets.map((code) => ({ code, scale: SCALE })),
    logPosition: '1',
    stateHash: '00'.repeat(32),
    equities: input,
  });
  const buildMs = performance.now() - startMs;
  const buildCpu = process.cpuUsage(startCpu);

  const verifyStart = performance.now();
  let verified = 0;
  for (const proof of audit.proofs.values()) if (verifyProof(proof, audit.root).ok) verified += 1;
  const verifyMs = performance.now() - verifyStart;
  if (verified !== users) throw new Error(`only ${verified} of ${users} proofs verified`);

  console.log(
    JSON.stringify({
      bench: 'por-tree',
      users,
      assets: assets.length,
      treeDepth: audit.root.treeDepth,
      buildTreeAndProofsMs: Math.round(buildMs),
      // CPU time next to wall time: on a shared machine the wall clock also measures neighbours
      buildTreeAndProofsCpuMs: Math.round((buildCpu.user + buildCpu.system) / 1000),
      verifyAllProofsMs: Math.round(verifyMs),
      verifyPerProofUs: Math.round((verifyMs * 1000) / users),
      heapUsedMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
    }),
  );
}
