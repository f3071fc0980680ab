/**
 * `--assets <file.json>`: balances attested on chain (or by a custodian), used instead of the
 * ledger's custody.wallet for the custody check. Format:
 *
 *   { "source": "<who attested, when>", "assets": [ { "asset": "USDT", "amount": "1234.5" }, … ] }
 *
 * (a bare list of `{asset, amount}` is accepted too). Amounts are plain non-negative decimals;
 * an asset may appear once. An audit asset the file does not name counts as 0 attested.
 */
import { readFile } from 'node:fs/promises';
import { ASSET_SCALE } from '../../domain/instrument/validate.js';
import { canonical, dec } from '../../domain/money/decimal.js';
import { ASSET_CODE_PATTERN } from '../../reserves/method.js';

export interface Attestation {
  source: string | null;
  assets: Array<{ asset: string; amount: string }>;
}

export class AttestationError extends Error {
  override name = 'AttestationError';
}

const AMOUNT = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;
const MAX_FILE_BYTES = 1024 * 1024;

export function parseAttestation(value: unknown): Attestation {
  const doc = Array.isArray(value) ? { assets: value } : value;
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as { assets?: unknown }).assets)) {
    throw new AttestationError('the assets file must be {"source"?, "assets": [{"asset", "amount"}]} or a list of {"asset", "amount"}');
  }
  const { source, assets } = doc as { source?: unknown; assets: unknown[] };
  if (source !== undefined && typeof source !== 'string') throw new AttestationError('"source" must be a string');
  const seen = new Set<string>();
  const out: Attestation['assets'] = [];
  for (const entry of assets) {
    const { asset, amount } = (entry ?? {}) as { asset?: unknown; amount?: unknown };
    if (typeof asset !== 'string' || !ASSET_CODE_PATTERN.test(asset)) throw new AttestationError(`asset ${JSON.stringify(asset)} must match ${ASSET_CODE_PATTERN}`);
    if (typeof amount !== 'string' || !AMOUNT.test(amount)) throw new AttestationError(`${asset}: amount ${JSON.stringify(amount)} must be a plain non-negative decimal string`);
    if (dec(amount).decimalPlaces() > ASSET_SCALE) throw new AttestationError(`${asset}: amount ${amount} has more than ${ASSET_SCALE} decimals`);
    if (seen.has(asset)) throw new AttestationError(`${asset} is listed twice`);
    seen.add(asset);
    out.push({ asset, amount: canonical(amount) });
  }
  out.sort((a, b) => (a.asset < b.asset ? -1 : a.asset > b.asset ? 1 : 0));
  return { source: source ?? null, assets: out };
}

export async function readAttestation(file: string): Promise<Attestation> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new AttestationError(`cannot read ${file}: ${(error as Error).message}`);
  }
  if (Buffer.byteLength(text) > MAX_FILE_BYTES) throw new AttestationError(`${file} is larger than ${MAX_FILE_BYTES} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AttestationError(`${file} is not JSON: ${(error as Error).message}`);
  }
  const parsed = parseAttestation(value);
  return { ...parsed, source: parsed.source ?? file };
}
