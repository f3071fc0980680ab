/**
 * Heap settings of a long replay process (the CLI and the benchmark).
 *
 * - A replay allocates a decoded event, its Decimals and its writes per event, and almost all of
 *   it dies young; with V8's default young generation (16 MB semi-spaces) much of it is copied
 *   and promoted before it dies. 64 MB semi-spaces cut GC time by about a fifth.
 * - The fold keeps every read model in memory (journals, fills, orders): a log of millions of
 *   events needs more than V8's default old-space limit (about 4 GB), so the limit is raised to
 *   a share of the machine's memory.
 *
 * V8 fixes both at start-up, so the process starts itself again with the flags (once: the child
 * has them). OEC_REPLAY_DEFAULT_HEAP=1 keeps V8's defaults.
 */
import { spawnSync } from 'node:child_process';
import { totalmem } from 'node:os';

export const REPLAY_SEMI_SPACE_MB = 64;
/** share of the machine's memory the old space may use, and a ceiling */
const OLD_SPACE_SHARE = 0.6;
const OLD_SPACE_MAX_MB = 32 * 1024;
const FLAGS = ['--max-semi-space-size', '--max-old-space-size'];

export function replayHeapFlags(totalBytes: number = totalmem()): string[] {
  const oldSpaceMb = Math.min(OLD_SPACE_MAX_MB, Math.floor((totalBytes * OLD_SPACE_SHARE) / (1024 * 1024)));
  return [`--max-semi-space-size=${REPLAY_SEMI_SPACE_MB}`, `--max-old-space-size=${oldSpaceMb}`];
}

/**
 * Returns normally when this process already runs with heap flags of its own (or the caller
 * opted out); otherwise runs this same command line in a child with the flags and exits with
 * the child's status.
 */
export function ensureReplayHeap(env: NodeJS.ProcessEnv = process.env): void {
  if (env.OEC_REPLAY_DEFAULT_HEAP === '1') return;
  const given = [...process.execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)];
  if (given.some((arg) => FLAGS.some((flag) => arg.startsWith(flag)))) return;
  const child = spawnSync(process.execPath, [...process.execArgv, ...replayHeapFlags(), ...process.argv.slice(1)], { stdio: 'inherit', env });
  if (child.error) throw child.error;
  process.exit(child.status ?? 1);
}
