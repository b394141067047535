import { describe, expect, it } from 'vitest';
import { SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { layoutSymbols } from '../../src/arch/symbols';
import { reachableTables } from '../../src/tables/tree';
import { translate, walk } from '../../src/tables/walker';
import { GiB, MiB, smallKernel } from '../support/kernels';

// early_fixmap_init and fixmap_remap_fdt, seen through what boot leaves behind.
describe('the fixmap a kernel boots with', () => {
  it.each(SUPPORTED_CONFIGS)(
    '%s: every boot event is the boot’s, and every table counts as a table of the level it serves',
    (config) => {
      const k = smallKernel(config);
      const actors = new Set(k.pt.trace.since(0).map((e) => e.actor));
      expect([...actors]).toEqual(['boot']);
      const tables = reachableTables(k.pt);
      for (const t of tables) expect(k.mem.tableDepth(t.pfn)).toBe(t.level.depth);
      expect(k.mem.liveTables).toEqual(k.geo.levels.map((l) => tables.filter((t) => t.level === l).length));
    },
  );

  // 16K/48: the PGD has two entries, so the fixmap's walk goes through the PUD table map_kernel made;
  // above 4 GiB that table's address needs the descriptor's high word.
  it('16K/48, boot memory at 36 GiB: the walk to FIXADDR_START reuses the image’s PUD table', () => {
    const k = smallKernel('16K/48', { bootBase: 36 * GiB });
    const fixmap = walk(k.pt, layoutSymbols(k.layout).FIXADDR_START ?? Number.NaN).steps.map((s) => s.table);
    const image = walk(k.pt, k.image.va).steps.map((s) => s.table);
    expect(fixmap[1]).toBe(image[1]);
    expect(fixmap[1]).toBeGreaterThan((4 * GiB) / k.geo.pageSize);
    expect([...k.pt.staticTables].sort()).toEqual([fixmap[0], fixmap[2], fixmap[3]].sort());
    expect(translate(k.pt, k.layout.fixaddrTop - 4 * MiB)).toBeGreaterThan(4 * GiB);
    expect(k.mem.violations).toEqual([]);
  });
});
