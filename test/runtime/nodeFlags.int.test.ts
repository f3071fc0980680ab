/**
 * ensureNodeFlags: a process without the flag runs itself again with it (same arguments, the
 * child's exit status); with the flag already given (argv or NODE_OPTIONS), or opted out, it
 * just goes on.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import test from 'ava';

const probe = fileURLToPath(new URL('../support/nodeFlagsProbe.ts', import.meta.url));

function run(execArgv: string[], env: NodeJS.ProcessEnv, exitCode: number): { status: number | null; report: { execArgv: string[]; args: string[] } } {
  const child = spawnSync(process.execPath, [...execArgv, '--import=tsx', probe, String(exitCode), 'extra'], { env: { ...process.env, ...env }, encoding: 'utf8' });
  const lines = child.stdout.trim().split('\n');
  assertOk(lines.length === 1, `one report expected, got ${JSON.stringify(child.stdout)} ${child.stderr}`);
  return { status: child.status, report: JSON.parse(lines[0]!) };
}

function assertOk(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

test('without the flag the process runs again with it, the same arguments, and exits with the child status', (t) => {
  const { status, report } = run([], { NODE_OPTIONS: '' }, 3);
  t.is(status, 3);
  t.true(report.execArgv.includes('--max-semi-space-size=33'));
  t.deepEqual(report.args, ['3', 'extra']);
});

test('with the flag already given, or opted out, it goes on without a child', (t) => {
  const given = run(['--max-semi-space-size=20'], { NODE_OPTIONS: '' }, 0);
  t.is(given.status, 0);
  t.false(given.report.execArgv.includes('--max-semi-space-size=33'));
  t.true(given.report.execArgv.includes('--max-semi-space-size=20'));
  const viaEnv = run([], { NODE_OPTIONS: '--max-semi-space-size=20' }, 0);
  t.false(viaEnv.report.execArgv.includes('--max-semi-space-size=33'));
  const optedOut = run([], { NODE_OPTIONS: '', PROBE_DEFAULT_HEAP: '1' }, 0);
  t.false(optedOut.report.execArgv.some((a) => a.startsWith('--max-semi-space-size')));
});
