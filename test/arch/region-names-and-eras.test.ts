import { describe, expect, it } from 'vitest';
import { ERA_NAMES, ERAS } from '../../src/arch/era';
import { geometry } from '../../src/arch/geometry';
import { layout, type RegionKey } from '../../src/arch/layout';

/**
 * The end markers of arm64's kernel page-table dump, as v5.7's arch/arm64/mm/dump.c and 6.1's and
 * 6.12's ptdump.c write them (the same words in all three; no marker for v5.7's BPF JIT region).
 */
const KERNEL_END_MARKERS: Partial<Record<RegionKey, string>> = {
  linear: 'Linear Mapping end',
  kasan: 'Kasan shadow end',
  modules: 'Modules end',
  vmalloc: 'vmalloc() end',
  fixmap: 'Fixmap end',
  'pci-io': 'PCI I/O end',
  vmemmap: 'vmemmap end',
};

/** Every era × configuration it builds × CPU with and without 52-bit VA (where it falls back). */
const CASES = ERA_NAMES.flatMap((era) =>
  ERAS[era].configs.flatMap((config) =>
    (config.endsWith('/52') && ERAS[era].fallback52 ? [true, false] : [true]).map((lpa2) => ({ era, config, lpa2 })),
  ),
);

describe('region names (shown by `layout --json` and in the hot-remove features)', () => {
  it('are the kernel’s own: each marked region’s name is its ptdump end marker without “ end”', () => {
    const wrong: string[] = [];
    for (const { era, config, lpa2 } of CASES) {
      for (const r of layout(geometry(config, { era, lpa2 }), { kasan: true }).regions) {
        const marker = KERNEL_END_MARKERS[r.key];
        if (marker !== undefined && `${r.name} end` !== marker) wrong.push(`${era} ${config} ${r.key}: ${r.name}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('v5.7’s BPF JIT region, which ptdump does not mark, carries memory.rst’s name for it', () => {
    const bpf = layout(geometry('4K/48')).regions.find((r) => r.key === 'bpf-jit');
    expect(bpf?.name.toLowerCase()).toBe('bpf jit region');
  });
});

describe('a layout asked for in another era than its geometry’s', () => {
  it('is the layout of the same configuration built in that era, on the same CPU', () => {
    let compared = 0;
    for (const { era, config, lpa2 } of CASES) {
      const source = ERA_NAMES.find(
        (e) => e !== era && ERAS[e].configs.includes(config) && (lpa2 || ERAS[e].fallback52),
      );
      if (source === undefined) continue;
      const built = geometry(config, { era, lpa2 });
      const asked = layout(geometry(config, { era: source, lpa2 }), { era });
      expect(asked.geo).toBe(built);
      expect(asked).toEqual(layout(built));
      compared++;
    }
    expect(compared).toBeGreaterThan(ERAS['v5.7'].configs.length);
  });
});
