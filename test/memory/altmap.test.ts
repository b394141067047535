import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { describe, it } from 'vitest';
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
        assert.equal(fits, start + pages <= base + capacity);
        if (!fits) {
          const error = refusal(() => altmap.alloc(pages));
          assert.ok(error instanceof OutOfMemoryError, String(error));
          assert.equal(
            error.message,
            `the altmap has no room for this vmemmap block (base=${physHex(base * mem.geo.pageSize)}, pages=${pages}, allocated=${end - base})`,
          );
        } else {
          assert.equal(altmap.alloc(pages), start);
          assert.ok(pagesAre(mem, { pfn: start, pages }, PageState.InUse, Owner.Altmap));
          end = start + pages;
        }
        assert.equal(altmap.allocated, end - base);
      }
      assert.ok(pagesAre(mem, { pfn: end, pages: first + BLOCK_PAGES - end }, PageState.Free, Owner.None));
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
      assert.equal(altmap.available(blocks * pages, pages), granted === blocks);
      assert.equal(altmap.allocated, 0);
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
        assert.ok(pagesAre(mem, b, PageState.Free, Owner.None));
      }
      // As the kernel's alloc and align fields: the pages given back leave the count, the alignment gaps stay.
      assert.equal(altmap.allocated, skipped);
      for (const b of blocks) {
        if (!altmap.available(b.pages, b.pages)) continue;
        const start = Math.ceil((base + altmap.allocated) / b.pages) * b.pages;
        assert.equal(altmap.alloc(b.pages), start);
      }
    });
  });

  it('a clone carries on where the original stands, and neither sees the other’s blocks', () => {
    const { mem, first } = hotAdded('16K/47');
    const altmap = new Altmap(mem, first, 64);
    altmap.alloc(4);
    const copyMem = mem.clone();
    const copy = altmap.clone(copyMem);
    assert.equal(copy.alloc(8), first + 8);
    assert.deepEqual([altmap.allocated, copy.allocated], [4, 16]);
    assert.equal(mem.state(first + 8), PageState.Free);
    assert.equal(altmap.alloc(2), first + 4);
    assert.equal(copyMem.state(first + 4), PageState.Free);
  });
});
