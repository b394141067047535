import { type Kva, kvaHex } from '../arch/address';
import { DescType, descAddr, descType, leafDesc, PAGE_KERNEL, PROT_SECT_NORMAL } from '../arch/descriptor';
import type { Level } from '../arch/geometry';
import { OutOfMemoryError, RangeRuleError } from '../errors';
import type { Altmap } from '../memory/altmap';
import { Owner } from '../memory/page';
import type { Kernel } from './kernel';

/** The level whose entries vmemmap_populate fills: 2 MiB PMD blocks on 4K, base pages otherwise. */
export function vmemmapLeafLevel(k: Kernel): Level {
  const levels = k.geo.levels;
  return (k.geo.granule === 4 ? levels[levels.length - 2] : levels[levels.length - 1]) as Level;
}

/**
 * vmemmap_populate: 4K pages install 2 MiB PMD blocks (one allocation per empty entry, existing ones
 * only verified); 16K/64K map base pages one PTE at a time (vmemmap_populate_basepages). Missing
 * tables are allocated on the way. The range is checked, and the tables and backing it needs counted,
 * before anything changes. With an altmap the backing comes from it on every granule — the behaviour
 * arm64 gained after v5.7 (v5.7 itself ignored the altmap); tables always come from the allocator.
 */
export function vmemmapPopulate(k: Kernel, start: Kva, end: Kva, altmap: Altmap | undefined, actor: string): void {
  const { vmemmapStart, vmemmapEnd } = k.layout;
  const leaf = vmemmapLeafLevel(k);
  if (start < vmemmapStart || end > vmemmapEnd || start >= end || start % k.geo.pageSize || end % k.geo.pageSize) {
    throw new RangeRuleError('vmemmap is populated for a page-aligned range inside [VMEMMAP_START, VMEMMAP_END)', {
      start: kvaHex(k.geo, start),
      end: kvaHex(k.geo, end),
    });
  }
  const backingPages = leaf.entrySize / k.geo.pageSize;
  const need: Needs = {
    orders: [],
    blocks: 0,
    newTables: new Set(),
    backingOrder: altmap ? undefined : Math.log2(backingPages),
  };
  walkVmemmap(k, start, end, leaf, actor, need);
  const enough =
    k.alloc.canAllocate(need.orders) && (!altmap || altmap.available(need.blocks * backingPages, backingPages));
  if (!enough) {
    throw new OutOfMemoryError('vmemmap needs more pages than are available', {
      tables: need.newTables.size,
      blocks: need.blocks,
    });
  }
  walkVmemmap(k, start, end, leaf, actor, undefined, altmap);
}

/** What a real pass would allocate, in order: allocator orders (tables, and backing without an altmap), and blocks. */
interface Needs {
  readonly orders: number[];
  blocks: number;
  /** Tables the real pass would allocate, by the parent entry they hang from (depth and entry number). */
  readonly newTables: Set<string>;
  /** Order of a backing allocation from the page allocator; undefined when the altmap backs it. */
  readonly backingOrder?: number;
}

/** One pass over [start, end) in leaf-sized steps; `dry` records what a real pass would allocate. */
function walkVmemmap(
  k: Kernel,
  start: Kva,
  end: Kva,
  leaf: Level,
  actor: string,
  dry: Needs | undefined,
  altmap?: Altmap,
): void {
  const pt = k.pt;
  for (let addr = Math.floor(start / leaf.entrySize) * leaf.entrySize; addr < end; addr += leaf.entrySize) {
    let table: number | undefined = pt.pgd;
    for (const level of k.geo.levels.slice(0, leaf.depth)) {
      const index = pt.index(level, addr);
      const words: Uint32Array | undefined = table === undefined ? undefined : pt.words(table, actor);
      const lo: number = words?.[2 * index] ?? 0;
      const hi: number = words?.[2 * index + 1] ?? 0;
      if (table !== undefined && descType(level, lo) === DescType.Table) {
        table = descAddr(lo, hi, k.geo.pageShift) / k.geo.pageSize;
      } else if (dry) {
        if (table !== undefined && (lo | hi) !== 0) blockInTheWay(k, level, addr);
        const key = `${level.depth}:${Math.floor(addr / level.entrySize)}`;
        if (!dry.newTables.has(key)) dry.orders.push(0);
        dry.newTables.add(key);
        table = undefined;
      } else {
        const child = pt.allocTable(level.depth + 1, actor);
        pt.install(table as number, level.depth, index, child, addr, actor);
        table = child;
      }
    }
    const index = pt.index(leaf, addr);
    const words = table === undefined ? undefined : pt.words(table, actor);
    if (((words?.[2 * index] ?? 0) | (words?.[2 * index + 1] ?? 0)) !== 0) continue;
    if (dry) {
      dry.blocks++;
      if (dry.backingOrder !== undefined) dry.orders.push(dry.backingOrder);
      continue;
    }
    const pages = leaf.entrySize / k.geo.pageSize;
    const backing = altmap ? altmap.alloc(pages) : k.alloc.alloc(Math.log2(pages), Owner.Vmemmap);
    pt.trace.record({
      op: 'allocate',
      actor,
      pfn: backing,
      va: addr,
      note: altmap ? 'vmemmap backing (altmap)' : 'vmemmap backing',
    });
    const prot = leaf.name === 'PTE' ? PAGE_KERNEL : PROT_SECT_NORMAL;
    const desc = leafDesc(leaf, backing * k.geo.pageSize, prot, k.geo.pageShift, false);
    pt.writeEntry(table as number, leaf.depth, index, desc.lo, desc.hi, addr, actor);
  }
}

function blockInTheWay(k: Kernel, level: Level, addr: Kva): never {
  throw new RangeRuleError('vmemmap needs a table where a leaf is mapped', {
    level: level.name,
    va: kvaHex(k.geo, addr),
  });
}
