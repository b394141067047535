import { describe, expect, it } from 'vitest';
import { kvaHex } from '../../src/arch/address';
import { SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { sharedTopEntry } from '../../src/arch/sharing';
import { layoutSymbols } from '../../src/arch/symbols';
import { ConfigError } from '../../src/errors';
import { Kernel } from '../../src/mappings/kernel';
import { Owner, PageState } from '../../src/memory/page';
import { reachableTables, tablesReachingBoth } from '../../src/tables/tree';
import { translate, walk } from '../../src/tables/walker';
import { MiB, smallKernel } from '../support/kernels';
import { refusal } from '../support/refusal';

describe('booting a kernel', () => {
  it.each(['8K/48', '4K/52', '64K/47', '16K/39', '4K', ''])(
    'refuses the unknown configuration "%s" with a ConfigError',
    (config) => {
      const error = refusal(() => new Kernel({ config }));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toContain('the configuration must be one that arm64 v5.7 builds');
      expect(error.message).toContain(`config=${config})`);
      expect(error.message).toContain(`supported: ${SUPPORTED_CONFIGS.join(', ')}`);
    },
  );

  it('refuses an unknown layout era with a ConfigError naming it', () => {
    expect(() => new Kernel({ config: '4K/48', era: 'v4.19' })).toThrow(
      /layout era must be one the model knows.*era=v4.19/,
    );
  });

  it.each(SUPPORTED_CONFIGS)(
    '%s: maps boot memory, the image and the FDT; its tables are reserved and reachable',
    (config) => {
      const k = smallKernel(config, { rodataFull: true, bootSize: 64 * MiB });
      const boot = k.mem.blocks[0] as { base: number; size: number };
      for (const pa of [boot.base, boot.base + boot.size - 1, k.image.phys + 12345])
        expect(translate(k.pt, k.linearVa(pa))).toBe(pa);
      expect(translate(k.pt, k.image.va + 4096)).toBe(k.image.phys + 4096);
      expect(translate(k.pt, k.layout.fixaddrTop - 4 * MiB)).toBeGreaterThan(0);
      const tables = reachableTables(k.pt);
      expect(tables.every((t) => k.mem.state(t.pfn) === PageState.Reserved)).toBe(true);
      expect(
        tables
          .filter((t) => k.mem.owner(t.pfn) === Owner.KernelImage)
          .map((t) => t.pfn)
          .sort(),
      ).toEqual([...k.pt.staticTables].sort());
      expect(k.mem.violations).toEqual([]);
    },
  );

  it.each(SUPPORTED_CONFIGS)(
    '%s: links _text at KIMAGE_VADDR + TEXT_OFFSET (512K in v5.7) and loads it 512K above a 2M boundary',
    (config) => {
      const k = smallKernel(config);
      const textOffset = 512 * 1024;
      expect(k.image.va - k.layout.vmallocStart).toBe(textOffset);
      expect(k.image.phys).toBe(0x4000_0000 + textOffset);
      expect(translate(k.pt, k.image.va)).toBe(k.image.phys);
      expect(translate(k.pt, k.image.va - k.geo.pageSize)).toBe(-1);
      expect(translate(k.pt, k.image.va + k.image.size - 1)).toBe(k.image.phys + k.image.size - 1);
      expect([k.mem.state(k.image.phys / k.geo.pageSize - 1), k.mem.owner(k.image.phys / k.geo.pageSize)]).toEqual([
        PageState.InUse,
        Owner.KernelImage,
      ]);
    },
  );

  it('puts 4K/48 boot memory at PAGE_OFFSET and its struct pages at VMEMMAP_START', () => {
    const k = smallKernel('4K/48');
    expect(kvaHex(k.geo, k.linearVa(0x4000_0000))).toBe('0xffff000000000000');
    expect(kvaHex(k.geo, k.vmemmapVa(0x4000_0000 / 4096 + 1))).toBe('0xfffffdffffe00040');
  });
});

// Every configuration; features/hot-remove/tables-shared-with-vmalloc-are-never-freed.feature shows a few.
describe('the live tables of a booted kernel that map both vmalloc and vmemmap', () => {
  it.each(SUPPORTED_CONFIGS)('%s: exactly the tables the layout says the two share', (config) => {
    const k = new Kernel({ config, rodataFull: false });
    const { vmallocStart, vmallocEnd, vmemmapStart, vmemmapEnd } = k.layout;
    const live = tablesReachingBoth(k.pt, [vmallocStart, vmallocEnd], [vmemmapStart, vmemmapEnd]);
    expect(live.map((n) => [n.level.name, n.va])).toEqual(
      sharedTopEntry(k.layout).tables.map((t) => [t.level, t.start]),
    );
    expect(live.length).toBe(config === '4K/48' || config === '16K/48' ? 1 : 0);
  });
});

// Every configuration: features/boot/the-kernel-image-holds-static-tables.feature and
// live-tables-after-boot.feature show a few.
describe('the tables of a kernel booted with 2G of memory, rodata_full on', () => {
  const LIVE: Record<string, string> = {
    '4K/39': '1 PGD, 5 PMD, 1028 PTE',
    '4K/48': '1 PGD, 4 PUD, 5 PMD, 1028 PTE',
    '16K/36': '1 PGD, 68 PTE',
    '16K/47': '1 PGD, 4 PMD, 68 PTE',
    '16K/48': '1 PGD, 2 PUD, 4 PMD, 68 PTE',
    '64K/42': '1 PGD, 6 PTE',
    '64K/48': '1 PGD, 3 PMD, 6 PTE',
    '64K/52': '1 PGD, 3 PMD, 6 PTE',
  };

  it.each(SUPPORTED_CONFIGS)(
    '%s: live tables per level, and the fixmap tables map_kernel had not already made',
    (config) => {
      const k = new Kernel({ config, trace: false });
      const tables = reachableTables(k.pt);
      const perLevel = k.geo.levels.map((l) => `${tables.filter((t) => t.level === l).length} ${l.name}`);
      expect(perLevel.join(', ')).toBe(LIVE[config]);
      // The walk to FIXADDR_START: below swapper_pg_dir a table is static (bm_*) unless the walk to the
      // kernel image passes through it, map_kernel having allocated it first.
      const fixmap = walk(k.pt, layoutSymbols(k.layout).FIXADDR_START ?? Number.NaN).steps.map((s) => s.table);
      const image = new Set(walk(k.pt, k.image.va).steps.map((s) => s.table));
      const expected = fixmap.filter((pfn, depth) => depth === 0 || !image.has(pfn));
      expect([...k.pt.staticTables].sort()).toEqual(expected.sort());
      expect(expected.length).toBe(k.geo.levels.length - (config === '16K/48' ? 1 : 0));
    },
  );
});
