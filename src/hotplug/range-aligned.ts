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
