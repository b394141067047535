import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pgtableRangeAligned, spanMask } from '../../src/hotplug/range-aligned';
import { property } from '../support/property';

const TOP = (1n << 64n) - 1n;

/**
 * The injected bug 'end-gt-ceiling' compares end > ceiling instead of end − 1 > ceiling − 1: it differs
 * from the kernel only where a value is 0 (a ceiling of 0 meaning the top). Everywhere else the two
 * agree, table freed or kept — so the explorer's counterexamples for it are about the top alone.
 */
describe('end-gt-ceiling agrees with the kernel below the top of the address space', () => {
  const call = fc.integer({ min: 12, max: 62 }).chain((shift) => {
    const span = 1n << BigInt(shift);
    return fc.record({
      mask: fc.constant(spanMask(Number(span))),
      start: fc.bigInt({ min: 0n, max: TOP - span }),
      length: fc.bigInt({ min: 1n, max: span }),
      floor: fc.constant(0n),
      ceilingFrom: fc.oneof(fc.constant(0n), fc.bigInt({ min: -span, max: span })),
    });
  });

  property([call])('same verdict for any end and non-zero ceiling', ({ mask, start, length, floor, ceilingFrom }) => {
    const end = start + length;
    const ceiling = (((end + ceilingFrom) % (TOP + 1n)) + TOP + 1n) % (TOP + 1n);
    fc.pre(ceiling !== 0n && end <= TOP);
    expect(pgtableRangeAligned(start, end, floor, ceiling, mask, 'end-gt-ceiling')).toBe(
      pgtableRangeAligned(start, end, floor, ceiling, mask),
    );
  });

  it('a table ending exactly at the ceiling is eligible under both', () => {
    const span = 1n << 30n;
    const s = 0xfffffe0000000000n;
    for (const check of ['kernel', 'end-gt-ceiling'] as const) {
      expect(pgtableRangeAligned(s, s + span, 0n, s + span, spanMask(Number(span)), check)).toBe('eligible');
      expect(pgtableRangeAligned(s, s + span, 0n, s, spanMask(Number(span)), check)).toBe('beyond-ceiling');
    }
  });
});
