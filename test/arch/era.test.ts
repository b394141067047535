import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromKva, hex64, kvaHex, ttbr1Base } from '../../src/arch/address';
import { ERA_NAMES, ERAS } from '../../src/arch/era';
import { geometry } from '../../src/arch/geometry';
import { type Layout, layout } from '../../src/arch/layout';
import { sharedTopEntry } from '../../src/arch/sharing';
import { LAYOUT_SYMBOLS, layoutSymbols } from '../../src/arch/symbols';
import { ConfigError } from '../../src/errors';
import { Kernel } from '../../src/mappings/kernel';
import { property } from '../support/property';

/** Every era × configuration it offers × CPU with and without 52-bit VA (where it falls back) × KASAN. */
const ALL = ERA_NAMES.flatMap((era) =>
  ERAS[era].configs.flatMap((config) =>
    (config.endsWith('/52') && ERAS[era].fallback52 ? [true, false] : [true]).flatMap((lpa2) =>
      [false, true].map((kasan) => ({ era, config, lpa2, kasan })),
    ),
  ),
);
/**
 * Each layout is computed when a property draws it, not when the file loads: a layout computed at load
 * time is never recomputed under `npm run mutate`, which switches a mutant on only while a test runs.
 */
const layoutOf = (c: (typeof ALL)[number]): Layout =>
  layout(geometry(c.config, { era: c.era, lpa2: c.lpa2 }), { kasan: c.kasan });
const anyLayout = fc.constantFrom(...ALL).map(layoutOf);

const hexes = (era: string, config: string, kasan: boolean, lpa2 = true): Record<string, string | undefined> => {
  const lay = layout(geometry(config, { era, lpa2 }), { kasan });
  const values = layoutSymbols(lay);
  return Object.fromEntries(
    LAYOUT_SYMBOLS.map((s) => [s, values[s] === undefined ? undefined : kvaHex(lay.geo, values[s])]),
  );
};

describe('each era’s layout against the tables of its Documentation/arm64/memory.rst', () => {
  // Linux 6.1 Documentation/arm64/memory.rst, "4KB pages + 4 levels (48-bit)" (drawn with KASAN).
  it('6.1, 4K/48 with KASAN', () => {
    expect(hexes('v6.1', '4K/48', true)).toMatchObject({
      PAGE_OFFSET: '0xffff000000000000',
      KASAN_SHADOW_START: '0xffff600000000000',
      KASAN_SHADOW_END: '0xffff800000000000',
      BPF_JIT_REGION_START: undefined,
      MODULES_VADDR: '0xffff800000000000',
      MODULES_END: '0xffff800008000000',
      VMALLOC_START: '0xffff800008000000',
      VMALLOC_END: '0xfffffbfff0000000',
      FIXADDR_TOP: '0xfffffbfffe000000',
      PCI_IO_START: '0xfffffbfffe800000',
      PCI_IO_END: '0xfffffbffff800000',
      VMEMMAP_START: '0xfffffc0000000000',
      VMEMMAP_END: '0xfffffe0000000000',
    });
  });

  // Linux 6.1 Documentation/arm64/memory.rst, "64KB pages + 3 levels (52-bit with HW support)".
  it('6.1, 64K/52 with KASAN and 52-bit hardware', () => {
    expect(hexes('v6.1', '64K/52', true)).toMatchObject({
      PAGE_OFFSET: '0xfff0000000000000',
      KASAN_SHADOW_START: '0xfffd800000000000',
      MODULES_VADDR: '0xffff800000000000',
      VMALLOC_START: '0xffff800008000000',
      VMALLOC_END: '0xfffffbfff0000000',
      PCI_IO_START: '0xfffffbfffe800000',
      VMEMMAP_START: '0xfffffc0000000000',
      VMEMMAP_END: '0xffffffe000000000',
    });
  });

  /*
   * Linux 6.12 Documentation/arch/arm64/memory.rst keeps the v6.1 rows from the fixmap up, which the
   * v6.9 layout moved (vmemmap now ends at −1 GiB; the guest shows 0xfffffdffc0000000): only the rows
   * below vmalloc's end still hold, so only they are compared; the rest is checked against the code's
   * formulas and the real guest's values below.
   */
  it('6.12, 4K/48 with KASAN: the rows that still hold', () => {
    expect(hexes('v6.12', '4K/48', true)).toMatchObject({
      PAGE_OFFSET: '0xffff000000000000',
      KASAN_SHADOW_START: '0xffff600000000000',
      MODULES_VADDR: '0xffff800000000000',
      MODULES_END: '0xffff800080000000',
      VMALLOC_START: '0xffff800080000000',
    });
  });

  it('6.12, 64K/52 with KASAN and 52-bit hardware: the rows that still hold', () => {
    expect(hexes('v6.12', '64K/52', true)).toMatchObject({
      PAGE_OFFSET: '0xfff0000000000000',
      KASAN_SHADOW_START: '0xfffd800000000000',
      MODULES_VADDR: '0xffff800000000000',
      VMALLOC_START: '0xffff800080000000',
    });
  });
});

describe('6.12 against the real guest (Debian linux-image-6.12-arm64, 4K/52, /proc/kcore and VMCOREINFO)', () => {
  it('cortex-a57 (no LPA2): 48 bits at run time, four levels', () => {
    const k = new Kernel({ config: '4K/52', era: 'v6.12', lpa2: false });
    expect([k.geo.vaBits, k.geo.levelCount]).toEqual([48, 4]);
    expect(kvaHex(k.geo, k.layout.pageOffset)).toBe('0xffff000000000000');
    expect(hexes('v6.12', '4K/52', false, false).MODULES_VADDR).toBe('0xffff800000000000');
    expect(kvaHex(k.geo, k.image.va)).toBe('0xffff800080000000');
    expect(kvaHex(k.geo, k.layout.vmemmapStart)).toBe('0xfffffdffc0000000');
  });

  it('-cpu max (LPA2): 52 bits, five levels', () => {
    const lay = layout(geometry('4K/52', { era: 'v6.12' }));
    expect([lay.geo.vaBits, lay.geo.levelCount, lay.geo.levels[0]?.entries]).toEqual([52, 5, 16]);
    expect(kvaHex(lay.geo, lay.pageOffset)).toBe('0xfff0000000000000');
    expect(kvaHex(lay.geo, lay.vmemmapStart)).toBe('0xffffc1ffc0000000');
  });
});

describe('the floors of a 52-bit kernel running with fewer bits', () => {
  property([anyLayout])(
    'PAGE_OFFSET and VMEMMAP_START keep their 52-bit values: below the running half exactly when it fell back',
    (lay) => {
      const fellBack = lay.geo.vaBits < lay.geo.vaBitsConfig;
      expect(lay.pageOffsetConst < lay.pageOffset).toBe(fellBack);
      expect(lay.vmemmapStartConst < lay.vmemmapStart).toBe(fellBack);
      expect(lay.pageOffsetConst === lay.pageOffset).toBe(!fellBack);
    },
  );

  it('4K/52 of v6.12 on cortex-a57: VMEMMAP_START is still 0xffffc1ffc0000000, the floor of vmemmap_free', () => {
    const lay = layout(geometry('4K/52', { era: 'v6.12', lpa2: false }));
    expect([hex64(fromKva(lay.geo, lay.vmemmapStartConst)), hex64(fromKva(lay.geo, lay.pageOffsetConst))]).toEqual([
      '0xffffc1ffc0000000',
      '0xfff0000000000000',
    ]);
  });
});

describe('the v6.9 layout, from 6.12’s memory.h and pgtable.h', () => {
  const v612 = ALL.filter((c) => c.era === 'v6.12');
  property([fc.constantFrom(...v612).map(layoutOf)])(
    'vmemmap ends at −1G; PCI I/O 8M above it; the fixmap tops out at −8M; vmalloc ends 8M below the vmemmap in use',
    (lay) => {
      const s = layoutSymbols(lay);
      const at = (kva: number | undefined): bigint => fromKva(lay.geo, kva ?? Number.NaN);
      const top = 1n << 64n;
      expect(at(s.VMEMMAP_END)).toBe(top - (1n << 30n));
      expect(at(s.PCI_IO_START)).toBe(top - (1n << 30n) + (8n << 20n));
      expect(at(s.FIXADDR_TOP)).toBe(top - (8n << 20n));
      expect(at(s.VMALLOC_END)).toBe(at(s.VMEMMAP_START) - (8n << 20n));
      expect(at(s.MODULES_END) - at(s.MODULES_VADDR)).toBe(2n << 30n);
    },
  );
});

describe('every era and configuration', () => {
  property([anyLayout])('regions are non-empty, ascending, disjoint and inside the running TTBR1 half', (lay) => {
    const bad = lay.regions.filter((r, i) => !(r.start < r.end && r.end <= (lay.regions[i + 1]?.start ?? r.end)));
    expect(bad).toEqual([]);
    expect(lay.regions.every((r) => r.start >= 0 && r.end <= 2 ** lay.geo.vaBits)).toBe(true);
    expect(fromKva(lay.geo, lay.pageOffset)).toBe(ttbr1Base(lay.geo));
  });

  property([anyLayout])('the struct pages of the whole running linear map fit in vmemmap', (lay) => {
    const pages = (lay.pageEnd - lay.pageOffset) / lay.geo.pageSize;
    expect(lay.vmemmapStart + pages * lay.geo.structPageSize).toBeLessThanOrEqual(lay.vmemmapEnd);
  });

  it('SECTION_SIZE_BITS: 30 in v5.7; 27, 27 and 29 for 4K, 16K and 64K from v5.12', () => {
    const bits = ERA_NAMES.map((era) => ['4K/48', '16K/48', '64K/48'].map((c) => geometry(c, { era }).sectionShift));
    expect(bits).toEqual([
      [30, 30, 30],
      [27, 27, 29],
      [27, 27, 29],
    ]);
  });

  it('6.12: the FDT window is FIX_FDT slots of the fixmap, FIX_FDT = FIX_FDT_END + DIV_ROUND_UP(MAX_FDT_SIZE, PAGE_SIZE) + 1', () => {
    // enum fixed_addresses: FIX_HOLE = 0, FIX_FDT_END = 1; MAX_FDT_SIZE = SZ_2M; slot n lies n pages below FIXADDR_TOP.
    const FIX_FDT_END = 1;
    const MAX_FDT_SIZE = 2 ** 21;
    for (const pageSize of [2 ** 12, 2 ** 14, 2 ** 16]) {
      const FIX_FDT = FIX_FDT_END + Math.ceil(MAX_FDT_SIZE / pageSize) + 1;
      expect(ERAS['v6.12'].fdtWindow(pageSize)).toBe(FIX_FDT * pageSize);
    }
  });

  it('TEXT_OFFSET: the image is 512K above KIMAGE_VADDR in v5.7 and at it later', () => {
    const offsets = ERA_NAMES.map((era) => {
      const k = new Kernel({ config: '4K/48', era, bare: true });
      return [k.image.va - k.layout.vmallocStart, k.image.phys % (2 * 2 ** 20)];
    });
    expect(offsets).toEqual([
      [512 * 1024, 512 * 1024],
      [0, 0],
      [0, 0],
    ]);
  });

  it('16K/52: four levels with LPA2, three at 47 bits without', () => {
    const [lpa2, fallback] = [true, false].map((on) => geometry('16K/52', { era: 'v6.12', lpa2: on }));
    expect([lpa2?.levelCount, lpa2?.levels[0]?.entries, fallback?.levelCount, fallback?.vaBits]).toEqual([
      4, 32, 3, 47,
    ]);
  });
});

describe('bad input', () => {
  it('an unknown era is a ConfigError naming it and the known ones', () => {
    for (const make of [() => geometry('4K/48', { era: 'v6.9' }), () => new Kernel({ config: '4K/48', era: 'v6.9' })]) {
      expect(make).toThrow(ConfigError);
      expect(make).toThrow(/the layout era must be one the model knows: known: v5\.7, v6\.1, v6\.12 \(era=v6\.9\)/);
    }
  });

  it('a configuration an era does not build is a ConfigError naming the era and the configurations it offers', () => {
    for (const era of ['v5.7', 'v6.1']) {
      expect(() => geometry('4K/52', { era })).toThrow(ConfigError);
      expect(() => geometry('16K/52', { era })).toThrow(/the configuration must be one that arm64 v\d\.\d+ builds/);
    }
    expect(() => new Kernel({ config: '4K/52', era: 'v6.1' })).toThrow(/config=4K\/52, era=v6\.1/);
  });

  it('a CPU without 52-bit VA is refused for a configuration below 52 bits and in v5.7', () => {
    expect(() => geometry('4K/48', { era: 'v6.12', lpa2: false })).toThrow(ConfigError);
    expect(() => geometry('64K/52', { era: 'v5.7', lpa2: false })).toThrow(/config=64K\/52, era=v5\.7, lpa2=false/);
  });
});

// Every configuration in every era: features/layout/the-layout-in-three-eras.feature and
// vmalloc-and-vmemmap-share-again-from-v6-9.feature show a few (values from each era's memory.h).
describe('the three eras side by side', () => {
  const inEras = (config: string, read: (lay: ReturnType<typeof layout>) => string): string[] =>
    ERA_NAMES.map((era) => read(layout(geometry(config, { era }))));

  it.each([
    ['PAGE_OFFSET', '0xffff000000000000 0xffff000000000000 0xffff000000000000'],
    ['MODULES_VADDR', '0xffff800008000000 0xffff800000000000 0xffff800000000000'],
    ['VMALLOC_START', '0xffff800010000000 0xffff800008000000 0xffff800080000000'],
    ['VMALLOC_END', '0xfffffdffbfff0000 0xfffffbfff0000000 0xfffffdffbf800000'],
    ['FIXADDR_TOP', '0xfffffdfffea00000 0xfffffbfffe000000 0xffffffffff800000'],
    ['PCI_IO_START', '0xfffffdfffec00000 0xfffffbfffe800000 0xffffffffc0800000'],
    ['VMEMMAP_START', '0xfffffdffffe00000 0xfffffc0000000000 0xfffffdffc0000000'],
    ['VMEMMAP_END', '0xffffffffffe00000 0xfffffe0000000000 0xffffffffc0000000'],
  ] as const)('4K/48: %s in v5.7, v6.1 and v6.12 is %s', (symbol, values) => {
    expect(inEras('4K/48', (lay) => kvaHex(lay.geo, layoutSymbols(lay)[symbol] ?? Number.NaN)).join(' ')).toBe(values);
  });

  it.each([
    ['4K/39', '0xfffffffeffe00000 0xfffffffe00000000 0xfffffffec0000000', '- - -'],
    ['4K/48', '0xfffffdffffe00000 0xfffffc0000000000 0xfffffdffc0000000', 'PUD - PUD'],
    ['16K/36', '0xfffffffff7e00000 0xfffffffff0000000 0xffffffffb8000000', '- - -'],
    ['16K/47', '0xffffffbfffe00000 0xffffff8000000000 0xffffffbfc0000000', '- - PMD'],
    ['16K/48', '0xffffff7fffe00000 0xffffff0000000000 0xffffff7fc0000000', 'PUD PUD PUD+PMD'],
    ['64K/42', '0xffffffff7fe00000 0xffffffff00000000 0xffffffff40000000', '- - -'],
    ['64K/48', '0xffffffdfffe00000 0xffffffc000000000 0xffffffdfc0000000', '- PMD PMD'],
    ['64K/52', '0xfffffc1fffe00000 0xfffffc0000000000 0xfffffc1fc0000000', '- - PMD'],
  ])('%s: VMEMMAP_START %s; tables vmalloc shares with vmemmap %s', (config, starts, shared) => {
    expect(inEras(config, (lay) => kvaHex(lay.geo, lay.vmemmapStart)).join(' ')).toBe(starts);
    const tables = inEras(
      config,
      (lay) =>
        sharedTopEntry(lay)
          .tables.map((t) => t.level)
          .join('+') || '-',
    );
    expect(tables.join(' ')).toBe(shared);
    for (const era of ERA_NAMES) {
      const lay = layout(geometry(config, { era }));
      for (const t of sharedTopEntry(lay).tables) expect(t.start).toBeLessThan(lay.vmemmapStart);
    }
  });
});
