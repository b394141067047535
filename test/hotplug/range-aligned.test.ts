import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromKva } from '../../src/arch/address';
import { geometry, SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { layout } from '../../src/arch/layout';
import { pgtableRangeAligned, type RangeVerdict, spanMask } from '../../src/hotplug/range-aligned';
import { property } from '../support/property';

/** The oracle property runs 1,000 times; each edge case also has a targeted property of its own. */
const RUNS = { numRuns: 1000 };
const EDGE_RUNS = { numRuns: 300 };
const U64 = 1n << 64n;
const TOP = U64 - 1n;

/**
 * The oracle: the statement pgtable_range_aligned is meant to implement, written without its u64
 * tricks. The table holding [start, end) maps [s, s + SPAN); it may be freed only if s ≥ floor and
 * s + SPAN ≤ ceiling, where a ceiling of 0 stands for 2^64 and a non-zero ceiling below SPAN
 * (rounding down to 0) rejects. The three tests are made in the kernel's order.
 */
function oracle(start: bigint, floor: bigint, ceiling: bigint, span: bigint): RangeVerdict {
  const s = start - (start % span);
  if (s < floor) return 'below-floor';
  if (ceiling !== 0n && ceiling < span) return 'ceiling-rounds-to-zero';
  return s + span <= (ceiling === 0n ? U64 : ceiling) ? 'eligible' : 'beyond-ceiling';
}

/** A table span 2^shift with shift from a 4K PTE table's (2 MiB) to 2^63, as real and as arbitrary as possible. */
const spanShift = fc.oneof(fc.constantFrom(21, 25, 29, 30, 36, 39, 42, 47, 48, 52), fc.integer({ min: 12, max: 63 }));

/**
 * A call as the kernel makes it: [start, end) inside one table span [s, s + SPAN) (end may wrap to 0
 * at the top of the address space), and floor/ceiling drawn near the span's edges, at 0, below SPAN,
 * at the top, or anywhere.
 */
const call = spanShift.chain((shift) => {
  const span = 1n << BigInt(shift);
  return fc.bigInt({ min: 0n, max: TOP >> BigInt(shift) }).chain((n) => {
    const s = n << BigInt(shift);
    const near = (edge: bigint) => fc.bigInt({ min: -2n, max: 2n }).map((d) => (((edge + d) % U64) + U64) % U64);
    const anywhere = fc.bigInt({ min: 0n, max: TOP });
    const bound = (edge: bigint) =>
      fc.oneof(near(edge), near(s), near(s + span), fc.constant(0n), fc.bigInt({ min: 0n, max: span - 1n }), anywhere);
    const offset = fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: span - 1n }));
    return offset.chain((o) =>
      fc.record({
        span: fc.constant(span),
        start: fc.constant(s + o),
        end: fc.oneof(fc.constant(span - o), fc.bigInt({ min: 1n, max: span - o })).map((n) => (s + o + n) % U64),
        floor: bound(s),
        ceiling: bound(s + span),
      }),
    );
  });
});

describe('pgtable_range_aligned against the span statement', () => {
  property([call], RUNS)('gives the oracle’s verdict for any call the kernel can make', (c) => {
    expect(pgtableRangeAligned(c.start, c.end, c.floor, c.ceiling, spanMask(Number(c.span)))).toBe(
      oracle(c.start, c.floor, c.ceiling, c.span),
    );
  });

  property([call.map((c) => ({ ...c, ceiling: 0n }))], EDGE_RUNS)(
    'ceiling 0 means the top of the address space',
    (c) => {
      const verdict = pgtableRangeAligned(c.start, c.end, c.floor, 0n, spanMask(Number(c.span)));
      expect(verdict).toBe(c.start - (c.start % c.span) >= c.floor ? 'eligible' : 'below-floor');
    },
  );

  property(
    [call.chain((c) => fc.bigInt({ min: 1n, max: c.span - 1n }).map((ceiling) => ({ ...c, floor: 0n, ceiling })))],
    EDGE_RUNS,
  )('a non-zero ceiling below the span rounds to 0 and rejects', (c) => {
    expect(pgtableRangeAligned(c.start, c.end, c.floor, c.ceiling, spanMask(Number(c.span)))).toBe(
      'ceiling-rounds-to-zero',
    );
  });

  property(
    [
      call
        .filter((c) => c.end !== 0n && c.end - 1n >= c.span)
        .chain((c) => fc.bigInt({ min: c.span, max: c.end - 1n }).map((ceiling) => ({ ...c, floor: 0n, ceiling }))),
    ],
    EDGE_RUNS,
  )('end − 1 > ceiling − 1 rejects, whatever the rounding of the ceiling', (c) => {
    expect(pgtableRangeAligned(c.start, c.end, c.floor, c.ceiling, spanMask(Number(c.span)))).toBe('beyond-ceiling');
  });
});

describe('spanMask', () => {
  property([fc.integer({ min: 0, max: 52 })], EDGE_RUNS)('is ~(SPAN − 1) in 64 bits', (shift) => {
    const mask = spanMask(2 ** shift);
    expect(mask).toBe(TOP - ((1n << BigInt(shift)) - 1n));
    expect(mask & ((1n << BigInt(shift)) - 1n)).toBe(0n);
  });
});

describe('the injected bugs differ from the kernel', () => {
  const span = 1n << 30n;
  const mask = spanMask(Number(span));
  const s = 0xfffffe0000000000n;

  it('no-floor frees a table that starts below the floor', () => {
    expect(pgtableRangeAligned(s, s + span, s + 1n, 0n, mask)).toBe('below-floor');
    expect(pgtableRangeAligned(s, s + span, s + 1n, 0n, mask, 'no-floor')).toBe('eligible');
  });

  it('no-ceiling frees a table that reaches past the ceiling', () => {
    expect(pgtableRangeAligned(s, s + span, 0n, s + span - 1n, mask)).toBe('beyond-ceiling');
    expect(pgtableRangeAligned(s, s + span, 0n, s + span - 1n, mask, 'no-ceiling')).toBe('eligible');
  });

  it('end-gt-ceiling reads a ceiling of 0 as the bottom, not the top, of the address space', () => {
    expect(pgtableRangeAligned(s, s + span, 0n, 0n, mask)).toBe('eligible');
    expect(pgtableRangeAligned(s, s + span, 0n, 0n, mask, 'end-gt-ceiling')).toBe('beyond-ceiling');
  });
});

describe('the v5.7 regions of 4K/48', () => {
  const g = geometry('4K/48');
  const lay = layout(g);
  const [vmemmapStart, vmemmapEnd] = [fromKva(g, lay.vmemmapStart), fromKva(g, lay.vmemmapEnd)];
  const GiB = 1n << 30n;

  it.each([
    // The PUD table of PGD entry 507 maps [0xfffffd8000000000, +512 GiB): vmalloc's end shares it.
    ['PUD table shared with vmalloc', 0xfffffdffffe00000n, 1n << 39n, 'below-floor'],
    // The PMD table holding VMEMMAP_START also maps PCI I/O and the fixmap.
    ['PMD table of VMEMMAP_START', 0xfffffdffffe00000n, GiB, 'below-floor'],
    ['PUD table of PGD entry 508', 0xfffffe0000000000n, 1n << 39n, 'eligible'],
    ['PUD table of PGD entry 510', 0xffffff0000000000n, 1n << 39n, 'eligible'],
    // VMEMMAP_END = 0xffffffffffe00000 is not 1 GiB-aligned: the topmost PUD and PMD tables reach past it.
    ['topmost PUD table', 0xffffff8000000000n, 1n << 39n, 'beyond-ceiling'],
    ['topmost PMD table', 0xffffffffc0000000n, GiB, 'beyond-ceiling'],
    ['PTE table below VMEMMAP_END', 0xffffffffffc00000n, 1n << 21n, 'eligible'],
  ])('vmemmap: the %s is %s', (_name, start, span, verdict) => {
    expect(pgtableRangeAligned(start, start + 4096n, vmemmapStart, vmemmapEnd, spanMask(Number(span)))).toBe(verdict);
  });

  it('every linear-map table is eligible with [PAGE_OFFSET, PAGE_END)', () => {
    const [floor, ceiling] = [fromKva(g, lay.pageOffset), fromKva(g, lay.pageEnd)];
    for (const level of g.levels.slice(1)) {
      for (const start of [floor, ceiling - BigInt(level.tableSpan)]) {
        expect(pgtableRangeAligned(start, start + 4096n, floor, ceiling, spanMask(level.tableSpan))).toBe('eligible');
      }
    }
  });

  it.each(SUPPORTED_CONFIGS.map((name) => [name]))(
    '%s: a table whose span ends at 2^64 is eligible only with ceiling 0',
    (name) => {
      const cg = geometry(name);
      const level = cg.levels[1];
      if (!level) throw new Error('no second level');
      const start = U64 - BigInt(level.tableSpan);
      const mask = spanMask(level.tableSpan);
      expect(pgtableRangeAligned(start, 0n, start, 0n, mask)).toBe('eligible');
      expect(pgtableRangeAligned(start, 0n, start, TOP, mask)).toBe('beyond-ceiling');
    },
  );
});

// Every call features/hot-remove/freed-only-within-floor-and-ceiling.feature once listed (4K/48's masks
// and 64K's 512M PTE table), against the oracle and the verdict the kernel's arithmetic gives.
describe('pgtable_range_aligned on the calls the manual shows', () => {
  const [PTE_2M, PMD_1G, PUD_512G, PTE_512M] = [1n << 21n, 1n << 30n, 1n << 39n, 1n << 29n];
  it.each([
    [
      'a whole PTE table of the linear map',
      0xffff000200000000n,
      0xffff000200200000n,
      0xffff000000000000n,
      0xffff800000000000n,
      PTE_2M,
      'eligible',
    ],
    [
      'one page: the span, not the range, counts',
      0xffff000200001000n,
      0xffff000200002000n,
      0xffff000000000000n,
      0xffff800000000000n,
      PTE_2M,
      'eligible',
    ],
    [
      'floor and ceiling exactly the span',
      0xffff000200000000n,
      0xffff000200200000n,
      0xffff000200000000n,
      0xffff000200200000n,
      PTE_2M,
      'eligible',
    ],
    ['the top PUD table; end wraps to 0', 0xffffffffc0000000n, 0n, 0xffffff8000000000n, 0n, PUD_512G, 'eligible'],
    [
      'ceiling − 1 is all ones: nothing is above',
      0xffffffffffe00000n,
      0xffffffffffe01000n,
      0xfffffdffffe00000n,
      0n,
      PMD_1G,
      'eligible',
    ],
    ['a ceiling inside the first PTE table', 0n, 0x1000n, 0n, 0x1000n, PTE_2M, 'ceiling-rounds-to-zero'],
    ['just short of the first PMD table', 0n, 0x1000n, 0n, 0x3fffffffn, PMD_1G, 'ceiling-rounds-to-zero'],
    [
      'the top PMD table of vmemmap, VMEMMAP_END',
      0xffffffffc0000000n,
      0xffffffffffe00000n,
      0xfffffdffffe00000n,
      0xffffffffffe00000n,
      PMD_1G,
      'beyond-ceiling',
    ],
    [
      'its 2M PTE table ends exactly at the ceiling',
      0xffffffffffc00000n,
      0xffffffffffe00000n,
      0xfffffdffffe00000n,
      0xffffffffffe00000n,
      PTE_2M,
      'eligible',
    ],
    [
      "ceiling rounds down to the table's start",
      0xffff000200000000n,
      0xffff000200001000n,
      0xffff000000000000n,
      0xffff000200100000n,
      PTE_2M,
      'beyond-ceiling',
    ],
    [
      'end 0 − 1 is all ones, above any ceiling',
      0xffffffffc0000000n,
      0n,
      0xffffff8000000000n,
      0xffffffffffe00000n,
      PUD_512G,
      'beyond-ceiling',
    ],
    [
      'the PMD table holding VMEMMAP_START',
      0xfffffdffffe00000n,
      0xfffffe0000000000n,
      0xfffffdffffe00000n,
      0xffffffffffe00000n,
      PMD_1G,
      'below-floor',
    ],
    [
      'its PTE table starts exactly at the floor',
      0xfffffdffffe00000n,
      0xfffffe0000000000n,
      0xfffffdffffe00000n,
      0xffffffffffe00000n,
      PTE_2M,
      'eligible',
    ],
    [
      '64K: the range starts one page in',
      0xffff000200010000n,
      0xffff000220000000n,
      0xffff000200010000n,
      0xffff000220000000n,
      PTE_512M,
      'below-floor',
    ],
  ] as const)('%s', (_why, start, end, floor, ceiling, span, verdict) => {
    expect(pgtableRangeAligned(start, end, floor, ceiling, spanMask(Number(span)))).toBe(verdict);
    expect(oracle(start, floor, ceiling, span)).toBe(verdict);
  });
});
