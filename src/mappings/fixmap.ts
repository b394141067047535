import { DescType, descAddr, descType, PAGE_KERNEL_RO } from '../arch/descriptor';
import { era } from '../arch/era';
import type { Level } from '../arch/geometry';
import { Owner } from '../memory/page';
import { createPgdMapping, NO_CONT_MAPPINGS } from './create-mapping';
import type { Kernel } from './kernel';

const FDT_SIZE = 2 * 2 ** 20;

/**
 * early_fixmap_init + map_kernel's fixmap hand-over: walk from the PGD to FIXADDR_START and, at every
 * level below it, reuse the table already there (16K/48: the one the kernel image mapping allocated)
 * or install the image's static table (bm_pud, bm_pmd, bm_pte). Then the device tree stays mapped
 * read-only in its fixmap window (fixmap_remap_fdt).
 */
export function installFixmap(k: Kernel): void {
  const fixStart = k.layout.regions.find((r) => r.key === 'fixmap')?.start ?? k.layout.fixaddrTop;
  let table = k.pt.pgd;
  for (const level of k.geo.levels.slice(0, -1) as Level[]) {
    const index = k.pt.index(level, fixStart);
    const words = k.pt.words(table, 'boot');
    const lo = words[2 * index] ?? 0;
    const hi = words[2 * index + 1] ?? 0;
    if (descType(level, lo) === DescType.Table) {
      table = descAddr(lo, hi, k.geo.pageShift) / k.geo.pageSize;
      continue;
    }
    const child = k.staticTable(level.depth + 1);
    k.pt.install(table, level.depth, index, child, fixStart, 'boot');
    table = child;
  }
  const pageOrder = Math.log2(FDT_SIZE / k.geo.pageSize);
  const fdt = k.alloc.alloc(pageOrder, Owner.System) * k.geo.pageSize;
  createPgdMapping(k.pt, {
    phys: fdt,
    virt: k.layout.fixaddrTop - era(k.geo.era).fdtWindow(k.geo.pageSize),
    size: FDT_SIZE,
    prot: PAGE_KERNEL_RO,
    flags: NO_CONT_MAPPINGS,
    actor: 'boot',
  });
}
