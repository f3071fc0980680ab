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
import { totalmem } from 'node:os';
import { ensureNodeFlags } from '../../runtime/nodeFlags.js';

export const REPLAY_SEMI_SPACE_MB = 64;
/** share of the machine's memory the old space may use, and a ceiling */
const OLD_SPACE_SHARE = 0.6;
const OLD_SPACE_MAX_MB = 32 * 1024;

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
  ensureNodeFlags(replayHeapFlags(), 'OEC_REPLAY_DEFAULT_HEAP', env);
}
