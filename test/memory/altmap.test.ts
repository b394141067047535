import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { physHex } from '../../src/arch/address';
import { geometry } from '../../src/arch/geometry';
import { OutOfMemoryError } from '../../src/errors';
import { Altmap } from '../../src/memory/altmap';
import { Owner, PageState } from '../../src/memory/page';
import { PhysMem } from '../../src/memory/physmem';
import { assertEveryConfig } from '../support/assert';
import { configArb } from '../support/ranges';
import { refusal } from '../support/refusal';

/** Pages of the hot-added block the altmaps below are carved from. */
const BLOCK_PAGES = 256;

/** An altmap at some page of a hot-added block, with room for some of its pages. */
const altmapArb = configArb.chain((config) =>
  fc.tuple(
    fc.constant(config),
    fc.nat({ max: 63 }),
    fc.integer({ min: 1, max: 128 }),
    fc.array(fc.constantFrom(1, 2, 4, 8, 16), { minLength: 1, maxLength: 30 }),
  ),
);

function hotAdded(config: string): { mem: PhysMem; first: number } {
  const geo = geometry(config);
  const mem = new PhysMem(geo);
  const block = mem.addBlock('hotplug', 2 ** 32, BLOCK_PAGES * geo.pageSize);
  return { mem, first: block.firstPfn };
}

type Block = { readonly pfn: number; readonly pages: number };

/** Whether every page of [pfn, pfn + pages) is in that state, with that owner. */
function pagesAre(mem: PhysMem, { pfn, pages }: Block, state: PageState, owner: Owner): boolean {
  return Array.from({ length: pages }, (_, i) => pfn + i).every(
    (p) => mem.state(p) === state && mem.owner(p) === owner,
  );
}

describe('a vmem_altmap', () => {
  it('hands out naturally aligned blocks in address order within its pages, and refuses what does not fit', () => {
    assertEveryConfig(altmapArb, ([config, offset, capacity, sizes]) => {
      const { mem, first } = hotAdded(config);
      const base = first + offset;
      const altmap = new Altmap(mem, base, capacity);
      let end = base;
      for (const pages of sizes) {
        const fits = altmap.available(pages, pages);
        const start = Math.ceil(end / pages) * pages;
        expect(fits).toBe(start + pages <= base + capacity);
        if (!fits) {
          const error = refusal(() => altmap.alloc(pages));
          expect(error).toBeInstanceOf(OutOfMemoryError);
          expect(error.message).toBe(
            `the altmap has no room for this vmemmap block (base=${physHex(base * mem.geo.pageSize)}, pages=${pages}, allocated=${end - base})`,
          );
        } else {
          expect(altmap.alloc(pages)).toBe(start);
          expect(pagesAre(mem, { pfn: start, pages }, PageState.InUse, Owner.Altmap)).toBe(true);
          end = start + pages;
        }
        expect(altmap.allocated).toBe(end - base);
      }
      expect(pagesAre(mem, { pfn: end, pages: first + BLOCK_PAGES - end }, PageState.Free, Owner.None)).toBe(true);
    });
  });

  it('foretells whether several blocks of one size fit, as vmemmap_populate asks before it maps a section', () => {
    assertEveryConfig(altmapArb, ([config, offset, capacity, sizes]) => {
      const { mem, first } = hotAdded(config);
      const altmap = new Altmap(mem, first + offset, capacity);
      const pages = sizes[0] ?? 1;
      const blocks = sizes.length;
      const trial = altmap.clone(mem.clone());
      let granted = 0;
      while (granted < blocks && trial.available(pages, pages)) {
        trial.alloc(pages);
        granted++;
      }
      expect(altmap.available(blocks * pages, pages)).toBe(granted === blocks);
      expect(altmap.allocated).toBe(0);
    });
  });

  it('takes its pages back on vmem_altmap_free: they are free again and handed out anew, never to the allocator', () => {
    assertEveryConfig(altmapArb, ([config, offset, capacity, sizes]) => {
      const { mem, first } = hotAdded(config);
      const base = first + offset;
      const altmap = new Altmap(mem, base, capacity);
      const blocks: Block[] = [];
      for (const pages of sizes) if (altmap.available(pages, pages)) blocks.push({ pfn: altmap.alloc(pages), pages });
      const skipped = altmap.allocated - blocks.reduce((sum, b) => sum + b.pages, 0);
      for (const b of [...blocks].reverse()) {
        altmap.free(b.pfn, b.pages);
        expect(pagesAre(mem, b, PageState.Free, Owner.None)).toBe(true);
      }
      // As the kernel's alloc and align fields: the pages given back leave the count, the alignment gaps stay.
      expect(altmap.allocated).toBe(skipped);
      for (const b of blocks) {
        if (!altmap.available(b.pages, b.pages)) continue;
        const start = Math.ceil((base + altmap.allocated) / b.pages) * b.pages;
        expect(altmap.alloc(b.pages)).toBe(start);
      }
    });
  });

  it('a clone carries on where the original stands, and neither sees the other’s blocks', () => {
    const { mem, first } = hotAdded('16K/47');
    const altmap = new Altmap(mem, first, 64);
    altmap.alloc(4);
    const copyMem = mem.clone();
    const copy = altmap.clone(copyMem);
    expect(copy.alloc(8)).toBe(first + 8);
    expect([altmap.allocated, copy.allocated]).toEqual([4, 16]);
    expect(mem.state(first + 8)).toBe(PageState.Free);
    expect(altmap.alloc(2)).toBe(first + 4);
    expect(copyMem.state(first + 4)).toBe(PageState.Free);
  });
});
