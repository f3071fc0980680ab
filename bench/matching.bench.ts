/**
 * npm run bench:matching -- --workload <prefix> [--runs 3] [--reps 5] [--peer-reps 1]
 *
 * Replays a standard workload (<prefix>.bin/.json; generated with the project's generator when
 * missing and the name is a known standard workload) on the project's FastBook and on
 * nodejs-order-book, each run in fresh child processes, and prints ONE JSON line with the
 * medians over the runs; ratio = engine opsPerSec / peer opsPerSec of this invocation.
 * Within a run each book times the whole measured block `reps` times on fresh books and keeps the
 * median: the engine's pass lasts ~0.1 s, so it repeats (default 5) to stay clear of a neighbour's
 * CPU burst; the peer's pass lasts seconds, so once is the default.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadWorkload, saveWorkload } from '../matching/workload/files.js';
import { WORKLOAD_V1, WORKLOAD_V1_DEEP, generateWorkload, type WorkloadParams } from '../matching/workload/generate.js';
import { median, type RunnerResult } from './matching/stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const STANDARD: Record<string, WorkloadParams> = { 'workload-v1': WORKLOAD_V1, 'workload-v1-deep': WORKLOAD_V1_DEEP };

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const prefix = argValue('--workload') ?? join(here, '.out', 'workload-v1');
const runs = Number(argValue('--runs') ?? 3);
const engineReps = Number(argValue('--reps') ?? 5);
const peerReps = Number(argValue('--peer-reps') ?? 1);
for (const [name, v] of [['--runs', runs], ['--reps', engineReps], ['--peer-reps', peerReps]] as const) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer, got ${v}`);
}

if (!existsSync(`${prefix}.bin`) || !existsSync(`${prefix}.json`)) {
  const params = STANDARD[basename(prefix)];
  if (params === undefined) {
    throw new Error(`${prefix}.bin/.json missing and ${basename(prefix)} is not a standard workload (${Object.keys(STANDARD).join(', ')})`);
  }
  saveWorkload(prefix, generateWorkload(params));
}
const { meta } = loadWorkload(prefix);

function runChild(runner: string, reps: number): RunnerResult {
  const child = spawnSync(process.execPath,
    ['--expose-gc', '--import', 'tsx', join(here, 'matching', runner), prefix, String(reps)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`${runner} exited with ${child.status ?? child.signal}`);
  return JSON.parse(child.stdout.trim()) as RunnerResult;
}

const engineRuns: RunnerResult[] = [];
const peerRuns: RunnerResult[] = [];
for (let r = 0; r < runs; r++) {
  engineRuns.push(runChild('engine-runner.ts', engineReps));
  peerRuns.push(runChild('peer-runner.ts', peerReps));
}

const med = (rs: RunnerResult[], key: 'opsPerSec' | 'p50Ns' | 'p99Ns' | 'p999Ns' | 'bytesPerRestingOrder') =>
  median(rs.map((x) => x[key]));
/** every run must end in the same state; report it once, or all of them if they differ */
const same = <T>(values: T[]): T | T[] => (values.every((v) => v === values[0]) ? values[0]! : values);

const expected = meta.referenceResult;
const engineOps = med(engineRuns, 'opsPerSec');
const peerOps = med(peerRuns, 'opsPerSec');
const engineHash = same(engineRuns.map((x) => x.finalDepthSha256));
const peerHash = same(peerRuns.map((x) => x.finalDepthSha256));
const line = {
  workload: basename(prefix),
  sha256: meta.sha256,
  runs,
  engine: {
    reps: engineReps,
    opsPerSec: Math.round(engineOps),
    p50Ns: med(engineRuns, 'p50Ns'),
    p99Ns: med(engineRuns, 'p99Ns'),
    p999Ns: med(engineRuns, 'p999Ns'),
    bytesPerRestingOrder: med(engineRuns, 'bytesPerRestingOrder'),
    finalResting: same(engineRuns.map((x) => x.finalResting)),
    finalDepthSha256: engineHash,
    depthHashMatchesReference: engineHash === expected.finalDepthSha256,
    makerFillsMatchReference: engineRuns.every((x) => x.makerFills === expected.makerFills),
    opsPerSecRuns: engineRuns.map((x) => x.opsPerSec),
  },
  peer: {
    name: peerRuns[0]!.name,
    reps: peerReps,
    opsPerSec: Math.round(peerOps),
    p50Ns: med(peerRuns, 'p50Ns'),
    p99Ns: med(peerRuns, 'p99Ns'),
    p999Ns: med(peerRuns, 'p999Ns'),
    bytesPerRestingOrder: med(peerRuns, 'bytesPerRestingOrder'),
    finalResting: same(peerRuns.map((x) => x.finalResting)),
    finalDepthSha256: peerHash,
    depthHashMatchesReference: peerHash === expected.finalDepthSha256,
    opsPerSecRuns: peerRuns.map((x) => x.opsPerSec),
  },
  ratio: Math.round((engineOps / peerOps) * 10) / 10,
};
process.stdout.write(`${JSON.stringify(line)}\n`);
