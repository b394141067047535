import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromKva, kvaHex, ttbr1Base } from '../../src/arch/address';
import { geometry, SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { type Layout, layout, regionOf } from '../../src/arch/layout';
import { LAYOUT_SYMBOLS, layoutSymbols } from '../../src/arch/symbols';
import { ConfigError } from '../../src/errors';
import { property } from '../support/property';

const RUNS = { numRuns: 1000 };
const U64 = 1n << 64n;
const M = 1n << 20n;
/** Every configuration with and without KASAN, computed once. */
const LAYOUTS = SUPPORTED_CONFIGS.flatMap((name) => [false, true].map((kasan) => layout(geometry(name), { kasan })));
const anyLayout = fc.constantFrom(...LAYOUTS);
const at = (lay: Layout, kva: number | undefined): bigint => fromKva(lay.geo, kva ?? Number.NaN);
const symbol = (lay: Layout, name: (typeof LAYOUT_SYMBOLS)[number]): bigint => at(lay, layoutSymbols(lay)[name]);

/** CONFIG_KASAN_SHADOW_OFFSET defaults for generic KASAN, arch/arm64/Kconfig v5.4–v5.10 (52 uses 48's). */
const KASAN_OFFSET: Record<number, bigint> = {
  36: 0xdffffffa00000000n,
  39: 0xdfffffd000000000n,
  42: 0xdffffe8000000000n,
  47: 0xdfffd00000000000n,
  48: 0xdfffa00000000000n,
  52: 0xdfffa00000000000n,
};

describe('regions', () => {
  property([anyLayout], RUNS)('are non-empty, ascending and disjoint', (lay) => {
    const bad = lay.regions.filter((r, i) => !(r.start < r.end && r.end <= (lay.regions[i + 1]?.start ?? r.end)));
    assert.deepEqual(bad, []);
  });

  property([anyLayout], RUNS)('all lie inside the TTBR1 half', (lay) => {
    const base = ttbr1Base(lay.geo);
    const outside = lay.regions.filter(
      (r) => r.start < 0 || r.end > 2 ** lay.geo.vaBits || fromKva(lay.geo, r.start) < base,
    );
    assert.deepEqual(outside, []);
  });

  property(
    [anyLayout.chain((lay) => fc.tuple(fc.constant(lay), fc.integer({ min: 0, max: 2 ** lay.geo.vaBits - 1 })))],
    RUNS,
  )('regionOf finds the one region holding an address, or none in a gap', ([lay, kva]) => {
    const holding = lay.regions.filter((r) => kva >= r.start && kva < r.end);
    assert.ok(holding.length <= 1, `expected ${holding.length} <= 1`);
    assert.equal(regionOf(lay, kva), holding[0]);
  });

  property([anyLayout], RUNS)('the KASAN shadow exists exactly when generic KASAN is on', (lay) => {
    assert.equal(
      lay.regions.some((r) => r.key === 'kasan'),
      lay.kasan,
    );
    assert.deepEqual(
      lay.regions.map((r) => r.key).filter((k) => k !== 'kasan'),
      ['linear', 'bpf-jit', 'modules', 'vmalloc', 'fixmap', 'pci-io', 'vmemmap'],
    );
  });
});

describe('boundaries follow the v5.7 formulas of memory.h and pgtable.h', () => {
  property([anyLayout], RUNS)('the linear map is the lower half of the kernel VA space', (lay) => {
    const va = BigInt(lay.geo.vaBits);
    assert.equal(symbol(lay, 'PAGE_OFFSET'), U64 - (1n << va));
    assert.equal(symbol(lay, 'PAGE_END'), U64 - (1n << (va - 1n)));
    assert.equal(at(lay, lay.pageOffset), U64 - (1n << va));
  });

  property([anyLayout], RUNS)('vmemmap holds 64 bytes per page of the linear map and ends 2M below the top', (lay) => {
    const g = lay.geo;
    const linearBytes = (1n << BigInt(g.vaBits)) - (1n << BigInt(g.vaBitsMin - 1));
    const size = (linearBytes / BigInt(g.pageSize)) * 64n;
    assert.equal(at(lay, lay.vmemmapEnd), U64 - 2n * M);
    assert.equal(at(lay, lay.vmemmapStart), U64 - 2n * M - size);
    assert.equal(symbol(lay, 'VMEMMAP_END') - symbol(lay, 'VMEMMAP_START'), size);
  });

  property([anyLayout], RUNS)('VMALLOC_END is PUD_SIZE + VMEMMAP_SIZE + 64K below the top', (lay) => {
    const pudSize = 1n << BigInt(lay.geo.shiftOf.PUD);
    const vmemmapSize = symbol(lay, 'VMEMMAP_END') - symbol(lay, 'VMEMMAP_START');
    assert.equal(at(lay, lay.vmallocEnd), U64 - pudSize - vmemmapSize - (1n << 16n));
  });

  property([anyLayout], RUNS)(
    'VMEMMAP_START lies PUD_SIZE + 64K − 2M above VMALLOC_END, less than a PUD_SIZE',
    (lay) => {
      const pudSize = 1n << BigInt(lay.geo.shiftOf.PUD);
      const gap = symbol(lay, 'VMEMMAP_START') - symbol(lay, 'VMALLOC_END');
      assert.equal(gap, pudSize + (1n << 16n) - 2n * M);
      assert.ok(gap < pudSize, `expected ${gap} < ${pudSize}`);
    },
  );

  property([anyLayout], RUNS)('PCI I/O is 16M ending 2M below vmemmap; the fixmap tops out 2M below it', (lay) => {
    const vmemmap = symbol(lay, 'VMEMMAP_START');
    assert.deepEqual(
      [symbol(lay, 'PCI_IO_END'), symbol(lay, 'PCI_IO_START'), symbol(lay, 'FIXADDR_TOP'), at(lay, lay.fixaddrTop)],
      [vmemmap - 2n * M, vmemmap - 18n * M, vmemmap - 20n * M, vmemmap - 20n * M],
    );
  });

  property([anyLayout], RUNS)('BPF JIT and modules take 128M each from the end of the KASAN shadow', (lay) => {
    const g = lay.geo;
    const shadowEnd = lay.kasan ? (1n << 61n) + (KASAN_OFFSET[g.vaBits] ?? 0n) : U64 - (1n << BigInt(g.vaBitsMin - 1));
    assert.deepEqual(
      [
        symbol(lay, 'BPF_JIT_REGION_START'),
        symbol(lay, 'MODULES_VADDR'),
        symbol(lay, 'VMALLOC_START'),
        at(lay, lay.vmallocStart),
      ],
      [shadowEnd, shadowEnd + 128n * M, shadowEnd + 256n * M, shadowEnd + 256n * M],
    );
    if (lay.kasan) {
      assert.equal(symbol(lay, 'KASAN_SHADOW_END') - symbol(lay, 'KASAN_SHADOW_START'), 1n << BigInt(g.vaBits - 3));
      assert.ok(symbol(lay, 'KASAN_SHADOW_START') >= symbol(lay, 'PAGE_END'));
    } else {
      assert.equal(layoutSymbols(lay).KASAN_SHADOW_START, undefined);
    }
  });

  property([fc.constantFrom(...SUPPORTED_CONFIGS)], RUNS)('KASAN moves only what lies below VMALLOC_START', (name) => {
    const [plain, kasan] = [false, true].map((on) =>
      layoutSymbols(LAYOUTS.find((l) => l.geo.name === name && l.kasan === on) ?? layout(geometry(name))),
    ) as [ReturnType<typeof layoutSymbols>, ReturnType<typeof layoutSymbols>];
    for (const s of [
      'VMALLOC_END',
      'FIXADDR_START',
      'FIXADDR_TOP',
      'PCI_IO_START',
      'VMEMMAP_START',
      'VMEMMAP_END',
    ] as const) {
      assert.equal(kasan[s], plain[s]);
    }
    assert.ok(
      (kasan.VMALLOC_START ?? 0) > (plain.VMALLOC_START ?? 0),
      `expected ${kasan.VMALLOC_START ?? 0} > ${plain.VMALLOC_START ?? 0}`,
    );
  });
});

describe('known values', () => {
  const hexes = (name: string, kasan: boolean) => {
    const lay = layout(geometry(name), { kasan });
    const values = layoutSymbols(lay);
    return Object.fromEntries(
      LAYOUT_SYMBOLS.map((s) => [s, values[s] === undefined ? undefined : kvaHex(lay.geo, values[s])]),
    );
  };

  // Documentation/arm64/memory.rst, "4KB pages + 4 levels (48-bit)" table of v5.4–v5.10 (drawn with KASAN).
  it('4K/48 with KASAN matches the kernel documentation', () => {
    expect(hexes('4K/48', true)).toMatchObject({
      PAGE_OFFSET: '0xffff000000000000',
      KASAN_SHADOW_START: '0xffff800000000000',
      BPF_JIT_REGION_START: '0xffffa00000000000',
      MODULES_VADDR: '0xffffa00008000000',
      VMALLOC_START: '0xffffa00010000000',
      VMALLOC_END: '0xfffffdffbfff0000',
      FIXADDR_START: '0xfffffdfffe5f9000',
      FIXADDR_TOP: '0xfffffdfffea00000',
      PCI_IO_START: '0xfffffdfffec00000',
      PCI_IO_END: '0xfffffdffffc00000',
      VMEMMAP_START: '0xfffffdffffe00000',
      VMEMMAP_END: '0xffffffffffe00000',
    });
  });

  // Documentation/arm64/memory.rst, "64KB pages + 3 levels (52-bit with HW support)" table of v5.4–v5.10.
  it('64K/52 with KASAN matches the kernel documentation', () => {
    expect(hexes('64K/52', true)).toMatchObject({
      PAGE_OFFSET: '0xfff0000000000000',
      PAGE_END: '0xfff8000000000000',
      KASAN_SHADOW_START: '0xfffda00000000000',
      KASAN_SHADOW_END: '0xffffa00000000000',
      VMALLOC_START: '0xffffa00010000000',
      VMALLOC_END: '0xfffff81fffff0000',
      FIXADDR_START: '0xfffffc1ffe590000',
      PCI_IO_START: '0xfffffc1ffec00000',
      VMEMMAP_START: '0xfffffc1fffe00000',
      VMEMMAP_END: '0xffffffffffe00000',
    });
  });

  // DOMAIN.md §3 worked example: 4K/48 without KASAN.
  it('4K/48 without KASAN starts vmalloc right after the modules', () => {
    expect(hexes('4K/48', false)).toMatchObject({
      PAGE_END: '0xffff800000000000',
      KASAN_SHADOW_START: undefined,
      VMALLOC_START: '0xffff800010000000',
      VMALLOC_END: '0xfffffdffbfff0000',
    });
  });

  // Every configuration, as features/layout/kernel-va-layout.feature once listed them: PAGE_OFFSET,
  // PAGE_END, the KASAN shadow, VMALLOC_START without and with KASAN, VMALLOC_END (either way) and
  // VMEMMAP_START, computed by hand from the v5.7 formulas of memory.h (VMEMMAP_END is always −2M).
  it.each([
    [
      '4K/39',
      'ffffff8000000000 ffffffc000000000 ffffffc000000000-ffffffd000000000',
      'ffffffc010000000 ffffffd010000000 fffffffebfff0000 fffffffeffe00000',
    ],
    [
      '4K/48',
      'ffff000000000000 ffff800000000000 ffff800000000000-ffffa00000000000',
      'ffff800010000000 ffffa00010000000 fffffdffbfff0000 fffffdffffe00000',
    ],
    [
      '16K/36',
      'fffffff000000000 fffffff800000000 fffffff800000000-fffffffa00000000',
      'fffffff810000000 fffffffa10000000 fffffffff5ff0000 fffffffff7e00000',
    ],
    [
      '16K/47',
      'ffff800000000000 ffffc00000000000 ffffc00000000000-ffffd00000000000',
      'ffffc00010000000 ffffd00010000000 ffffffafffff0000 ffffffbfffe00000',
    ],
    [
      '16K/48',
      'ffff000000000000 ffff800000000000 ffff800000000000-ffffa00000000000',
      'ffff800010000000 ffffa00010000000 ffffff6fffff0000 ffffff7fffe00000',
    ],
    [
      '64K/42',
      'fffffc0000000000 fffffe0000000000 fffffe0000000000-fffffe8000000000',
      'fffffe0010000000 fffffe8010000000 ffffffff5fff0000 ffffffff7fe00000',
    ],
    [
      '64K/48',
      'ffff000000000000 ffff800000000000 ffff800000000000-ffffa00000000000',
      'ffff800010000000 ffffa00010000000 fffffbdfffff0000 ffffffdfffe00000',
    ],
    [
      '64K/52',
      'fff0000000000000 fff8000000000000 fffda00000000000-ffffa00000000000',
      'ffff800010000000 ffffa00010000000 fffff81fffff0000 fffffc1fffe00000',
    ],
  ])('%s: linear map and KASAN shadow %s; vmalloc and vmemmap %s', (name, low, high) => {
    const [plain, kasan] = [hexes(name, false), hexes(name, true)];
    const bare = (h: string | undefined) => h?.replace(/^0x/, '');
    assert.equal(
      `${bare(plain.PAGE_OFFSET)} ${bare(plain.PAGE_END)} ${bare(kasan.KASAN_SHADOW_START)}-${bare(kasan.KASAN_SHADOW_END)}`,
      low,
    );
    assert.equal(
      [plain.VMALLOC_START, kasan.VMALLOC_START, plain.VMALLOC_END, plain.VMEMMAP_START].map(bare).join(' '),
      high,
    );
    assert.deepEqual(
      [kasan.VMALLOC_END, plain.VMEMMAP_END, kasan.VMEMMAP_END],
      [plain.VMALLOC_END, '0xffffffffffe00000', '0xffffffffffe00000'],
    );
  });

  it('refuses an unknown era with a ConfigError naming the known ones', () => {
    assert.throws(() => layout(geometry('4K/48'), { era: 'v6.9' }), ConfigError);
    assert.throws(() => layout(geometry('4K/48'), { era: 'v6.9' }), /v5\.7/);
  });
});
