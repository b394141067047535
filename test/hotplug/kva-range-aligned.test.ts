import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { describe, it } from 'vitest';
import { fromKva, ttbr1Base } from '../../src/arch/address';
import { geometry, SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import {
  kvaBounds,
  kvaRangeAligned,
  pgtableRangeAligned,
  type RangeCheck,
  spanMask,
} from '../../src/hotplug/range-aligned';
import { property } from '../support/property';

const U64 = 1n << 64n;

/**
 * A table decision as the teardown asks for it: a configuration, one of its table spans, a Kva range
 * [start, end) inside one such span (end up to 2^VA_BITS, the top of the address space), and floor
 * and ceiling anywhere in 64 bits — at 0, near the range's span, near the TTBR1 base, below it.
 */
const decision = fc.constantFrom(...SUPPORTED_CONFIGS).chain((config) => {
  const geo = geometry(config);
  const base = ttbr1Base(geo);
  const top = 2 ** geo.vaBits;
  return fc.constantFrom(...geo.levels.slice(1).map((l) => l.tableSpan)).chain((span) =>
    fc.integer({ min: 0, max: top / span - 1 }).chain((n) => {
      const s = n * span;
      const near = (kva: number) => fc.bigInt({ min: -2n, max: 2n }).map((d) => (base + BigInt(kva) + d + U64) % U64);
      const bound = fc.oneof(
        near(s),
        near(s + span),
        fc.constant(0n),
        near(0),
        fc.bigInt({ min: 0n, max: base - 1n }),
        fc.bigInt({ min: base, max: U64 - 1n }),
      );
      return fc
        .tuple(fc.integer({ min: 0, max: span - 1 }), fc.integer({ min: 1, max: span }))
        .chain(([offset, length]) =>
          fc.record({
            config: fc.constant(config),
            span: fc.constant(span),
            start: fc.constant(s + offset),
            end: fc.constant(s + Math.max(offset + 1, Math.min(length, span))),
            floor: bound,
            ceiling: bound,
          }),
        );
    }),
  );
});

describe('pgtable_range_aligned in Kva terms (the teardown’s fast path)', () => {
  property([decision], { numRuns: 2000 })(
    'gives pgtable_range_aligned’s verdict whenever kvaBounds offers it',
    ({ config, span, start, end, floor, ceiling }) => {
      const geo = geometry(config);
      const bounds = kvaBounds(ttbr1Base(geo), floor, ceiling);
      const kernel = pgtableRangeAligned(fromKva(geo, start), fromKva(geo, end), floor, ceiling, spanMask(span));
      if (bounds) assert.equal(kvaRangeAligned(start, end, bounds, span), kernel);
      else assert.ok(ceiling !== 0n && ceiling < ttbr1Base(geo));
    },
  );

  it('is offered for the kernel’s comparison only, and not for a ceiling in the lower half', () => {
    const base = ttbr1Base(geometry('4K/48'));
    assert.deepEqual(kvaBounds(base, 0n, 0n), { floor: Number.NEGATIVE_INFINITY, ceiling: Number.POSITIVE_INFINITY });
    assert.deepEqual(kvaBounds(base, base + 4096n, base + 8192n), { floor: 4096, ceiling: 8192 });
    for (const check of ['no-floor', 'no-ceiling', 'end-gt-ceiling'] as RangeCheck[]) {
      assert.equal(kvaBounds(base, 0n, 0n, check), undefined);
    }
    assert.equal(kvaBounds(base, 0n, base - 1n), undefined);
    assert.equal(kvaBounds(base, 0n, 1n), undefined);
  });
});
