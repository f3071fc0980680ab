/**
 * The Lua scripts of the Redis adapter, as node-redis typed scripts.
 *
 * Redis never rolls a script back: a command that fails half-way leaves the earlier writes in
 * place. So APPLY_BATCH first runs every check (checkpoint guard, then the type rule of
 * ops.ts over all ops, tracking the type each op leaves), and only then writes; the writes it
 * issues cannot fail on data, and the checkpoint is the last write of the same script.
 */
import { defineScript } from 'redis';
import type { CommandParser } from 'redis';

/** op codes on the wire (ops.ts names → short codes) */
export const OP_CODES = { set: 'S', del: 'D', hset: 'H', hdel: 'HD', zadd: 'Z', zrem: 'ZR', ztrim: 'ZT', sadd: 'SA', srem: 'SR' } as const;

/** arguments per Redis call when an op carries many fields/members (Lua's unpack is bounded) */
export const ARGS_PER_CALL = 256;

const APPLY_BATCH_LUA = `
local function before(a, b)
  if #a ~= #b then return #a < #b end
  return a < b
end

local position = ARGV[1]
local expected = ARGV[2]
local stored = redis.call('GET', KEYS[1])
if stored and not before(stored, position) then return {0, stored} end
if expected ~= '*' and (stored or '') ~= expected then return {0, stored or '0'} end

local NEEDS = { S = false, D = false, H = 'hash', HD = 'hash', Z = 'zset', ZR = 'zset', ZT = 'zset', SA = 'set', SR = 'set' }
local LEAVES = { S = 'string', D = 'none', H = 'hash', HD = false, Z = 'zset', ZR = false, ZT = false, SA = 'set', SR = false }

local ops = {}
local i = 3
while i <= #ARGV do
  local code = ARGV[i]
  if NEEDS[code] == nil then return redis.error_reply('RMBADOP ' .. tostring(code)) end
  local n = tonumber(ARGV[i + 2])
  ops[#ops + 1] = { code, tonumber(ARGV[i + 1]), i + 3, n }
  i = i + 3 + n
end

local tracked = {}
for _, op in ipairs(ops) do
  local key = KEYS[op[2]]
  local holds = tracked[key]
  if holds == nil then holds = redis.call('TYPE', key).ok end
  local need = NEEDS[op[1]]
  if need and holds ~= 'none' and holds ~= need then
    return redis.error_reply('RMWRONGTYPE ' .. op[2] .. ' ' .. holds .. ' ' .. op[1])
  end
  local leaves = LEAVES[op[1]]
  tracked[key] = leaves or holds
end

local STEP = ${ARGS_PER_CALL}
local function chunked(command, key, first, n)
  -- the common shapes (one field or member) without building an argument table
  if n == 1 then return redis.call(command, key, ARGV[first]) end
  if n == 2 then return redis.call(command, key, ARGV[first], ARGV[first + 1]) end
  local j = first
  local last = first + n - 1
  while j <= last do
    local args = { command, key }
    local upto = math.min(j + STEP - 1, last)
    for k = j, upto do args[#args + 1] = ARGV[k] end
    redis.call(unpack(args))
    j = upto + 1
  end
end

for _, op in ipairs(ops) do
  local code, key, first, n = op[1], KEYS[op[2]], op[3], op[4]
  if code == 'S' then redis.call('SET', key, ARGV[first])
  elseif code == 'D' then redis.call('DEL', key)
  elseif code == 'H' then chunked('HSET', key, first, n)
  elseif code == 'HD' then chunked('HDEL', key, first, n)
  elseif code == 'Z' then chunked('ZADD', key, first, n)
  elseif code == 'ZR' then chunked('ZREM', key, first, n)
  elseif code == 'ZT' then redis.call('ZREMRANGEBYRANK', key, 0, -(tonumber(ARGV[first]) + 1))
  elseif code == 'SA' then chunked('SADD', key, first, n)
  elseif code == 'SR' then chunked('SREM', key, first, n)
  end
end

redis.call('SET', KEYS[1], position)
return {1, position}
`;

/** KEYS[1] = checkpoint key, KEYS[2..] = the batch's keys; ARGV = position, expectation, then per op: code, key index, arg count, args */
export const APPLY_BATCH = defineScript({
  SCRIPT: APPLY_BATCH_LUA,
  parseCommand(parser: CommandParser, keys: string[], args: string[]) {
    parser.push(String(keys.length));
    parser.pushKeys(keys);
    parser.push(...args);
  },
  transformReply: (reply: unknown) => reply as [number, string],
});

/** compare-and-set of the current-version pointer ('' = unset) */
export const SWITCH_VERSION = defineScript({
  SCRIPT: `
local now = redis.call('GET', KEYS[1]) or ''
if now ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1
`,
  NUMBER_OF_KEYS: 1,
  parseCommand(parser: CommandParser, key: string, from: string, to: string) {
    parser.pushKey(key);
    parser.push(from, to);
  },
  transformReply: (reply: unknown) => reply as number,
});
