import test from 'ava';
import { ConfigError } from '../../runtime/config.js';
import { parseRoles } from '../../runtime/roles.js';

test('--role: default all; one or several; ROLE from the environment; unknown rejected', (t) => {
  t.deepEqual(parseRoles([], {}), ['all']);
  t.deepEqual(parseRoles(['--role', 'workflows'], {}), ['workflows']);
  t.deepEqual(parseRoles(['--role=api,matching'], {}), ['api', 'matching']);
  t.deepEqual(parseRoles([], { ROLE: 'matching' }), ['matching']);
  t.throws(() => parseRoles(['--role=projections'], {}), { instanceOf: ConfigError });
});
