/**
 * Key layout (DESIGN §9): `rm:{projection}:current` holds the version readers use;
 * `rm:{projection}:v{N}:{logical key}` holds the model of version N, and
 * `rm:{projection}:v{N}:$checkpoint` its checkpoint, so deleting a version removes both.
 */
import type { Position } from '../../eventstore/port.js';
import { InvalidWriteOp } from './errors.js';

const PROJECTION_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
export const MAX_VERSION = 1_000_000;
export const MAX_KEY_LENGTH = 1024;
/**
 * Positions are unsigned integers of up to 128 bits (39 decimal digits): the embedded store's
 * are byte offsets, the EventStoreDB adapter's are commit × 2^64 + prepare.
 */
const POSITION = /^(0|[1-9][0-9]{0,38})$/;
const POSITION_DIGITS = 39;
const MAX_POSITION = '340282366920938463463374607431768211455';

export function assertProjectionName(projection: string): void {
  if (typeof projection !== 'string' || !PROJECTION_NAME.test(projection)) {
    throw new InvalidWriteOp(`invalid projection name ${JSON.stringify(projection)}: letters, digits and _ only`);
  }
}

export function assertVersion(version: number): void {
  if (!Number.isSafeInteger(version) || version < 1 || version > MAX_VERSION) {
    throw new InvalidWriteOp(`invalid projection version ${String(version)}: an integer from 1 to ${MAX_VERSION}`);
  }
}

export function assertPosition(position: Position): void {
  if (typeof position !== 'string' || !POSITION.test(position) || (position.length === POSITION_DIGITS && position > MAX_POSITION)) {
    throw new InvalidWriteOp(`invalid position ${JSON.stringify(position)}: a decimal unsigned 128-bit integer`);
  }
}

/** `$`-keys are the store's own (the checkpoint); a projection's keys cannot collide with them. */
export function assertLogicalKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH || key.startsWith('$')) {
    throw new InvalidWriteOp(`invalid read-model key ${JSON.stringify(key)}: 1..${MAX_KEY_LENGTH} characters, not starting with $`);
  }
}

export function currentKey(projection: string): string {
  return `rm:${projection}:current`;
}

export function versionPrefix(projection: string, version: number): string {
  return `rm:${projection}:v${version}:`;
}

export function checkpointKey(projection: string, version: number): string {
  return `${versionPrefix(projection, version)}$checkpoint`;
}

export const CHECKPOINT_SUFFIX = '$checkpoint';

/** the version number in a `rm:{projection}:v{N}:$checkpoint` key, or null */
export function versionOfCheckpointKey(projection: string, key: string): number | null {
  const head = `rm:${projection}:v`;
  const tail = `:${CHECKPOINT_SUFFIX}`;
  if (!key.startsWith(head) || !key.endsWith(tail)) return null;
  const digits = key.slice(head.length, key.length - tail.length);
  return /^[1-9][0-9]*$/.test(digits) ? Number(digits) : null;
}

/** positions compared as unsigned integers without BigInt: longer is larger, else lexically */
export function positionIsBefore(a: Position, b: Position): boolean {
  return a.length !== b.length ? a.length < b.length : a < b;
}

/**
 * A sorted-set member that sorts in log order at equal scores: the zero-padded position, then
 * the id. Use score 0 for "newest first by log position" lists, since positions can exceed
 * what a double holds exactly.
 */
export function logOrderMember(position: Position, id: string): string {
  assertPosition(position);
  return `${position.padStart(POSITION_DIGITS, '0')}:${id}`;
}

export function idOfLogOrderMember(member: string): string {
  if (member.length <= POSITION_DIGITS || member[POSITION_DIGITS] !== ':') throw new InvalidWriteOp(`not a log-order member: ${JSON.stringify(member)}`);
  return member.slice(POSITION_DIGITS + 1);
}

/**
 * Code point order (= UTF-8 byte order, which is how Redis orders members). JS `<` compares
 * UTF-16 units, which differs for astral characters against U+E000..U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return fixup(x) - fixup(y);
  }
  return a.length - b.length;
}

/**
 * Sorts in place by code point. Without surrogates (no astral characters) code point order is
 * UTF-16 order, which the engine's own sort gives much faster than a comparator; the exports of
 * a replay sort millions of keys and fields.
 */
export function sortByCodePoints(values: string[]): string[] {
  for (let i = 0; i < values.length; i++) {
    // a surrogate anywhere: the comparator is needed
    if (hasSurrogate(values[i]!)) return values.sort(compareCodePoints);
  }
  return values.sort();
}

/** a plain loop: most values are short field names, where a regex call costs more than the scan */
function hasSurrogate(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdfff) return true;
  }
  return false;
}

function fixup(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}
