import { RangeRuleError } from '../errors';

const UNITS = ['', 'K', 'M', 'G', 'T', 'P'] as const;

/** Parses a size such as `4K`, `2M`, `1G`, `64G` or a plain byte count. */
export function parseSize(text: string): number {
  const m = /^(\d+)\s*([KMGTP]?)(?:i?B)?$/i.exec(text.trim());
  if (!m) throw new RangeRuleError('a size is a whole number with an optional unit K, M, G, T or P', { text });
  const unit = UNITS.indexOf((m[2] ?? '').toUpperCase() as (typeof UNITS)[number]);
  return Number(m[1]) * 1024 ** unit;
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
