/** What pgtable_range_aligned compares: which test of the three rejected the table, if any. */
export type RangeVerdict = 'eligible' | 'below-floor' | 'ceiling-rounds-to-zero' | 'beyond-ceiling';

const U64_MASK = (1n << 64n) - 1n;

/** The variants of the comparison: the kernel's, and the injected bugs the concurrency explorer must catch. */
export type RangeCheck = 'kernel' | 'no-floor' | 'no-ceiling' | 'end-gt-ceiling';

/**
 * pgtable_range_aligned, in unsigned 64-bit arithmetic: may the table whose span holds [start, end)
 * be freed, given floor and ceiling? start is rounded down to the table's span (mask); a non-zero
 * ceiling is rounded down too, and one that rounds to 0 rejects; then end − 1 must not exceed
 * ceiling − 1, so a ceiling of 0 means the top of the address space.
 */
export function pgtableRangeAligned(
  start: bigint,
  end: bigint,
  floor: bigint,
  ceiling: bigint,
  mask: bigint,
  check: RangeCheck = 'kernel',
): RangeVerdict {
  const s = start & mask & U64_MASK;
  if (check !== 'no-floor' && s < floor) return 'below-floor';
  let c = ceiling;
  if (c !== 0n) {
    c &= mask;
    if (c === 0n) return 'ceiling-rounds-to-zero';
  }
  if (check === 'no-ceiling') return 'eligible';
  if (check === 'end-gt-ceiling') return end > c ? 'beyond-ceiling' : 'eligible';
  return ((end - 1n) & U64_MASK) > ((c - 1n) & U64_MASK) ? 'beyond-ceiling' : 'eligible';
}

/** The mask of a table whose span is `span` bytes: ~(span − 1) in 64 bits. */
export function spanMask(span: number): bigint {
  let mask = MASKS.get(span);
  if (mask === undefined) {
    mask = U64_MASK ^ (BigInt(span) - 1n);
    MASKS.set(span, mask);
  }
  return mask;
}

const MASKS = new Map<number, bigint>();

/**
 * floor and ceiling as offsets from the TTBR1 base (the model's Kva): what kvaRangeAligned compares.
 * `floor` is −∞ for a floor below the TTBR1 half (every kernel address lies above it); `ceiling` is
 * +∞ for a ceiling of 0 (the top of the address space).
 */
export interface KvaBounds {
  readonly floor: number;
  readonly ceiling: number;
}

/**
 * floor and ceiling in Kva terms, when the kernel's verdict can be had without BigInt: the kernel's
 * comparison (not an injected bug), and a ceiling that is 0 or a kernel address. Otherwise undefined:
 * a ceiling in the lower half can round to 0, which only pgtableRangeAligned's arithmetic shows.
 */
export function kvaBounds(
  base: bigint,
  floor: bigint,
  ceiling: bigint,
  check: RangeCheck = 'kernel',
): KvaBounds | undefined {
  if (check !== 'kernel' || (ceiling !== 0n && ceiling < base)) return undefined;
  return {
    floor: floor < base ? Number.NEGATIVE_INFINITY : Number(floor - base),
    ceiling: ceiling === 0n ? Number.POSITIVE_INFINITY : Number(ceiling - base),
  };
}

/**
 * pgtable_range_aligned for a table of `span` bytes holding the Kva range [start, end), in exact double
 * arithmetic (every Kva and span is below 2^53): the same verdict as pgtableRangeAligned given the
 * 64-bit values (the TTBR1 base is a multiple of every table span), without a BigInt per table. A
 * ceiling that is a kernel address rounds down to base + a multiple of span, never to 0; and end −
 * 1 > ceiling − 1 is end > ceiling, even for an end at 2^VA_BITS (2^64, which wraps to 0 and rejects).
 */
export function kvaRangeAligned(start: number, end: number, bounds: KvaBounds, span: number): RangeVerdict {
  if (Math.floor(start / span) * span < bounds.floor) return 'below-floor';
  const ceiling = Math.floor(bounds.ceiling / span) * span;
  return end > ceiling ? 'beyond-ceiling' : 'eligible';
}
