import { RangeRuleError } from '../errors';

const UNITS = ['', 'K', 'M', 'G', 'T', 'P'] as const;

/**
 * What the model's own state may take, so that the process stays inside 4G: the page state, the tables
 * and the event trace of all present memory, boot and hot-added together.
 */
export const MODEL_BUDGET = 3 * 2 ** 30;

/**
 * Bytes of the model's state one present page costs at most, page-mapped: a state and an owner byte, a
 * PTE, and its share of the vmemmap's tables (measured: 2.6M per GiB of 4K pages); with every event
 * recorded, about 80 more: three events a page over a hot-add and a hot-remove, 26 bytes each
 * (measured: 64G of 4K pages page-mapped, added and removed with the trace, 89.6 bytes a page).
 */
export const PAGE_COST = { untraced: 11, traced: 100 } as const;

/** Most pages of memory the model holds within MODEL_BUDGET, with or without the event trace. */
export function maxPresentPages(traced: boolean): number {
  return Math.floor(MODEL_BUDGET / (traced ? PAGE_COST.traced : PAGE_COST.untraced));
}

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
