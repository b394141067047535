import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { describe, it } from 'vitest';
import { kvaHex, physHex } from '../../src/arch/address';
import { geometry, SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { Owner, PageState } from '../../src/memory/page';
import { PhysMem } from '../../src/memory/physmem';
import { Tlb } from '../../src/tables/tlb';
import { assertEveryConfig } from '../support/assert';
import { configArb } from '../support/ranges';

/** A TLB over memory with two live table pages (at frames 0x10000 and 0x10001) and a page that holds no table. */
function tlbOf(config: string) {
  const geo = geometry(config);
  const mem = new PhysMem(geo);
  mem.addBlock('boot', 0x10000 * geo.pageSize, 4 * geo.pageSize);
  mem.setPages(0x10000, 2, PageState.InUse, Owner.PageTable);
  mem.makeTable(0x10000, 0);
  mem.makeTable(0x10001, 1);
  return { geo, mem, tlb: new Tlb(geo, mem), live: [0x10000, 0x10001], dead: 0x10002 };
}

/** An address, an offset inside its entry at a depth, and another address in a different entry there. */
const leafArb = configArb.chain((config) => {
  const geo = geometry(config);
  return fc.tuple(fc.constant(config), fc.nat({ max: geo.levels.length - 1 })).chain(([c, depth]) => {
    const size = geo.levels[depth]?.entrySize ?? 1;
    const entries = Math.floor(2 ** geo.vaBits / size);
    return fc.tuple(
      fc.constant(c),
      fc.constant(depth),
      fc.nat({ max: entries - 1 }),
      fc.nat({ max: size - 1 }),
      fc.nat({ max: entries - 1 }),
    );
  });
});

describe('the TLB', () => {
  it('a cached leaf translates every address of its entry and no other; last-level invalidation drops it', () => {
    assertEveryConfig(leafArb, ([config, depth, entry, offset, other]) => {
      const { geo, tlb } = tlbOf(config);
      const size = geo.levels[depth]?.entrySize ?? 1;
      const pa = 2 ** 40 + entry * size;
      assert.deepEqual([tlb.hasLeaves(), tlb.lookupLeaf(entry * size)], [false, undefined]);
      tlb.fillLeaf(depth, entry * size + offset, pa);
      assert.deepEqual([tlb.hasLeaves(), tlb.size], [true, 1]);
      assert.equal(tlb.lookupLeaf(entry * size + offset), pa + offset);
      assert.equal(tlb.lookupLeaf(entry * size), pa);
      assert.equal(tlb.lookupLeaf(other * size + offset), other === entry ? pa + offset : undefined);
      tlb.invalidateLeaf(other * size);
      assert.equal(tlb.lookupLeaf(entry * size), other === entry ? undefined : pa);
      tlb.invalidateLeaf(entry * size + offset);
      assert.deepEqual([tlb.hasLeaves(), tlb.size, tlb.lookupLeaf(entry * size)], [false, 0, undefined]);
    });
  });

  it.each(SUPPORTED_CONFIGS)('%s: a page leaf under a cached block answers first: the deepest leaf wins', (config) => {
    const { geo, tlb } = tlbOf(config);
    const [block, page] = [geo.levels.length - 2, geo.levels.length - 1];
    const va = 3 * (geo.levels[block]?.entrySize ?? 0);
    tlb.fillLeaf(block, va, 2 ** 40);
    tlb.fillLeaf(page, va + geo.pageSize, 2 ** 41);
    assert.deepEqual([tlb.lookupLeaf(va + geo.pageSize + 8), tlb.lookupLeaf(va + 8)], [2 ** 41 + 8, 2 ** 40 + 8]);
  });

  it.each(SUPPORTED_CONFIGS)(
    '%s: the walk cache gives the deepest table pointer on the walk; only invalidation of all levels drops it',
    (config) => {
      const { geo, tlb, live } = tlbOf(config);
      const last = geo.levels.length - 1;
      const va = 5 * (geo.levels[last - 1]?.entrySize ?? 0) + geo.pageSize;
      assert.equal(tlb.deepestWalk(va), undefined);
      tlb.fillWalk(0, va, live[0] ?? 0);
      assert.deepEqual(tlb.deepestWalk(va), { depth: 1, table: live[0] });
      tlb.fillWalk(last - 1, va, live[1] ?? 0);
      tlb.fillWalk(last, va, 0x666);
      assert.deepEqual(tlb.deepestWalk(va), { depth: last, table: live[1] });
      assert.deepEqual(
        tlb.deepestWalk(va + (geo.levels[last - 1]?.entrySize ?? 0)),
        last - 1 === 0 ? undefined : { depth: 1, table: live[0] },
      );
      assert.equal(tlb.hasLeaves(), false);
      tlb.invalidateLeaf(va);
      assert.deepEqual(tlb.deepestWalk(va), { depth: last, table: live[1] });
      tlb.fillLeaf(last, va, 2 ** 40);
      tlb.invalidateWalk(va);
      assert.deepEqual([tlb.deepestWalk(va), tlb.lookupLeaf(va)], [undefined, undefined]);
    },
  );

  it.each(SUPPORTED_CONFIGS)('%s: flush_tlb_all forgets everything; a copy keeps what it had', (config) => {
    const { geo, mem, tlb, live } = tlbOf(config);
    tlb.fillWalk(0, 0, live[0] ?? 0);
    tlb.fillLeaf(geo.levels.length - 1, geo.pageSize, 2 ** 40);
    const copy = tlb.clone(mem);
    tlb.invalidateAll();
    assert.deepEqual([tlb.size, tlb.hasLeaves(), tlb.deepestWalk(0)], [0, false, undefined]);
    assert.deepEqual(
      [copy.size, copy.lookupLeaf(geo.pageSize), copy.deepestWalk(0)],
      [2, 2 ** 40, { depth: 1, table: live[0] }],
    );
  });

  it.each(SUPPORTED_CONFIGS)(
    '%s: a cached pointer to a page that holds no live table is stale, and says where',
    (config) => {
      const { geo, tlb, live, dead } = tlbOf(config);
      const top = geo.levels[0]?.entrySize ?? 0;
      tlb.fillWalk(0, 2 * top, live[0] ?? 0);
      tlb.fillWalk(0, 3 * top + 5, dead);
      const stale = tlb.staleWalks();
      assert.deepEqual(stale, [{ kind: 'walk', depth: 0, va: 3 * top, target: dead }]);
      assert.equal(
        tlb.describe(stale[0] ?? { kind: 'walk', depth: 0, va: 0, target: 0 }),
        `PGD[${kvaHex(geo, 3 * top)}] → table ${physHex(dead * geo.pageSize)}`,
      );
      assert.equal(
        tlb.describe({ kind: 'leaf', depth: geo.levels.length - 1, va: geo.pageSize, target: 2 ** 40 }),
        `PTE[${kvaHex(geo, geo.pageSize)}] → ${physHex(2 ** 40)}`,
      );
    },
  );
});
