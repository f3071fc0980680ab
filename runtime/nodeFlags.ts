/**
 * V8 flags a long-running process of ours starts with. V8 fixes heap sizes at start-up, so a
 * script that needs them starts itself again with the flags (once: the child has them).
 *
 * The runtime's young generation: an order allocates ~290 KB (events, their JSON, replaced
 * aggregate states) and much of it lives until the next fsync; with V8's default 16 MiB
 * semi-spaces most of it is copied and promoted before it dies. 64 MiB semi-spaces cut the
 * runtime's CPU per order by 10–20% in bench:e2e (0.91–1.00 → 0.84–0.89 ms on the main thread).
 * `npm start` and the Dockerfile pass them; the benchmarks make sure of them here.
 */
import { spawnSync } from 'node:child_process';

export const RUNTIME_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];

/**
 * Returns when this process already runs with each flag's name set (by argv or NODE_OPTIONS) or
 * `optOutVar` is '1' in the environment; otherwise runs this same command line in a child with
 * the flags and exits with the child's status.
 */
export function ensureNodeFlags(flags: readonly string[], optOutVar: string, env: NodeJS.ProcessEnv = process.env): void {
  if (env[optOutVar] === '1') return;
  const given = [...process.execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)];
  const missing = flags.filter((flag) => !given.some((arg) => arg.startsWith(flag.split('=')[0]!)));
  if (missing.length === 0) return;
  const child = spawnSync(process.execPath, [...process.execArgv, ...missing, ...process.argv.slice(1)], { stdio: 'inherit', env });
  if (child.error) throw child.error;
  process.exit(child.status ?? 1);
}
