import { ASSET_CODE_PATTERN, MAX_ASSETS, MAX_ASSET_SCALE } from './method.js';

export interface ReserveAsset {
  readonly code: string;
  /** decimal places of one minor unit (USDT: 8) */
  readonly scale: number;
}

export type AssetListCheck = { ok: true; assets: ReserveAsset[] } | { ok: false; message: string };

function checkAsset(asset: unknown): string | undefined {
  if (typeof asset !== 'object' || asset === null) return 'an asset must be an object {code, scale}';
  const { code, scale } = asset as { code?: unknown; scale?: unknown };
  if (typeof code !== 'string' || !ASSET_CODE_PATTERN.test(code)) return `asset code ${JSON.stringify(code)} must match ${ASSET_CODE_PATTERN}`;
  if (typeof scale !== 'number' || !Number.isInteger(scale) || scale < 0 || scale > MAX_ASSET_SCALE) {
    return `asset ${code}: scale must be an integer in 0..${MAX_ASSET_SCALE}`;
  }
  return undefined;
}

/**
 * The builder's asset list: any order in, sorted by code point out (the pinned order of every
 * balance and sum field). Codes are ASCII, so JavaScript's UTF-16 comparison is code-point order.
 */
export function normaliseAssets(assets: readonly unknown[]): AssetListCheck {
  if (!Array.isArray(assets) || assets.length === 0 || assets.length > MAX_ASSETS) {
    return { ok: false, message: `assets must be a list of 1..${MAX_ASSETS} entries` };
  }
  for (const asset of assets) {
    const problem = checkAsset(asset);
    if (problem !== undefined) return { ok: false, message: problem };
  }
  const sorted = (assets as ReserveAsset[]).map(({ code, scale }) => ({ code, scale }));
  sorted.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  for (let i = 1; i < sorted.length; i += 1) {
    if (sorted[i]!.code === sorted[i - 1]!.code) return { ok: false, message: `asset ${sorted[i]!.code} listed twice` };
  }
  return { ok: true, assets: sorted };
}

/** A document's asset list: must already be valid and strictly sorted (it was hashed in that order). */
export function checkDocumentAssets(assets: unknown): AssetListCheck {
  if (!Array.isArray(assets) || assets.length === 0 || assets.length > MAX_ASSETS) {
    return { ok: false, message: `assets must be a list of 1..${MAX_ASSETS} entries` };
  }
  for (let i = 0; i < assets.length; i += 1) {
    const problem = checkAsset(assets[i]);
    if (problem !== undefined) return { ok: false, message: problem };
    if (i > 0 && !((assets[i - 1] as ReserveAsset).code < (assets[i] as ReserveAsset).code)) {
      return { ok: false, message: 'assets must be strictly sorted by code' };
    }
  }
  return { ok: true, assets: (assets as ReserveAsset[]).map(({ code, scale }) => ({ code, scale })) };
}

export function sameAssets(a: readonly ReserveAsset[], b: readonly ReserveAsset[]): boolean {
  return a.length === b.length && a.every((asset, i) => asset.code === b[i]!.code && asset.scale === b[i]!.scale);
}
