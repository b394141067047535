import { RangeRuleError } from '../errors';

const UNITS = ['', 'K', 'M', 'G', 'T', 'P'] as const;

/**
 * Most memory the model holds at once, boot memory and hot-added memory together, in pages: a page-mapped
 * linear map of it costs about 35M of the process's memory per 2^18 pages (96G of 4K pages page-mapped
 * peaked at 3.4G), so 2^24 pages stay well inside a 4G process. On 4K pages that is 64G; on 16K, 256G;
 * on 64K, 1T.
 */
export const MAX_PRESENT_PAGES = 2 ** 24;

/** Parses a size such as `4K`, `2M`, `1G`, `64G` or a plain byte count, below 2^53 bytes (8P). */
export function parseSize(text: string): number {
  const m = /^(\d+)\s*([KMGTP]?)(?:i?B)?$/i.exec(text.trim());
  if (!m) throw new RangeRuleError('a size is a whole number with an optional unit K, M, G, T or P', { text });
  const unit = UNITS.indexOf((m[2] ?? '').toUpperCase() as (typeof UNITS)[number]);
  const bytes = Number(m[1]) * 1024 ** unit;
  if (!Number.isSafeInteger(bytes)) throw new RangeRuleError('a size is below 8P (2^53 bytes)', { text });
  return bytes;
}

/** The largest unit that divides the size exactly: 4096 → `4K`, 2^30 → `1G`, 3·2^20 → `3M`. */
export function formatSize(bytes: number): string {
  let unit = 0;
  let value = bytes;
  while (unit < UNITS.length - 1 && value >= 1024 && value % 1024 === 0) {
    value /= 1024;
    unit++;
  }
  return `${value}${UNITS[unit]}`;
}
