/**
 * UserHasher (the batch derivation of salts and user hashes) against the definitions it
 * replaces: userSalt through node's createHmac, userHash as one SHA-256.
 */
import { randomBytes } from 'node:crypto';
import test from 'ava';
import { UserHasher, userHash, userSalt } from '../../reserves/hashing.js';

const ID_CHARS = ['a', 'Z', '0', '-', '_', 'é', '中', '😀', '\u0000'];

function randomUserId(length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += ID_CHARS[randomBytes(1)[0]! % ID_CHARS.length];
  return out;
}

test('same salt and hash as createHmac and userHash, for secrets shorter than, equal to and longer than the HMAC block', (t) => {
  // 64 is SHA-256's block: a longer key is hashed first, a shorter one zero-padded
  for (const secretBytes of [32, 63, 64, 65, 100, 200]) {
    for (let round = 0; round < 20; round += 1) {
      const secret = randomBytes(secretBytes);
      const auditId = `por-${randomBytes(4).toString('hex')}`;
      const hasher = new UserHasher(secret, auditId);
      for (let u = 0; u < 10; u += 1) {
        const userId = randomUserId(1 + (u * 7) % 40);
        const expectedSalt = userSalt(secret, auditId, userId);
        const got = hasher.of(userId);
        t.true(got.salt.equals(expectedSalt), `salt for secret of ${secretBytes} bytes, user ${JSON.stringify(userId)}`);
        t.true(got.hash.equals(userHash(expectedSalt, userId)));
      }
    }
  }
});

test('salts returned earlier are not changed by later users (no shared scratch leaks out)', (t) => {
  const hasher = new UserHasher(Buffer.alloc(32, 1), 'a-1');
  const first = hasher.of('alice');
  const copy = Buffer.from(first.salt);
  hasher.of('bob');
  t.true(first.salt.equals(copy));
});
