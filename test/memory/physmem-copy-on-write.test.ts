import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { describe, it } from 'vitest';
import { geometry } from '../../src/arch/geometry';
import { Owner, PageState, POISON_WORD } from '../../src/memory/page';
import { PhysMem } from '../../src/memory/physmem';
import { property } from '../support/property';

// Page states and owners live in chunks shared by clones until one side writes. Against a plain array
// per memory: any writes, on ranges that cross chunk boundaries, on the original or on any clone, change
// exactly the pages written in exactly that memory.

const geo = geometry('64K/42');
/** Two and a half chunks of 2^14 pages, so ranges start, end and cross inside and between chunks. */
const PAGES = 2.5 * 2 ** 14;
const BASE = 2 ** 32;
const FIRST_PFN = BASE / geo.pageSize;

const write = fc.record({
  /** Which memory writes: 0 is the original, n the n-th clone made so far (modulo their number). */
  who: fc.nat(),
  first: fc.nat({ max: PAGES - 1 }),
  count: fc.integer({ min: 1, max: 2 ** 15 }),
  state: fc.constantFrom(PageState.Free, PageState.InUse, PageState.Poisoned, PageState.Reserved),
  owner: fc.constantFrom(Owner.None, Owner.PageTable, Owner.Vmalloc),
  /** Whether the writer is cloned after the write. */
  clone: fc.boolean(),
});

describe('page states of cloned memory (copy on write)', () => {
  property([fc.array(write, { minLength: 1, maxLength: 12 })], { numRuns: 25 })(
    'every memory holds exactly the states and owners written to it, clones included',
    (writes) => {
      const first = new PhysMem(geo);
      first.addBlock('hotplug', BASE, PAGES * geo.pageSize);
      const memories = [{ mem: first, state: new Uint8Array(PAGES), owner: new Uint8Array(PAGES) }];
      for (const w of writes) {
        const m = memories[w.who % memories.length] as (typeof memories)[number];
        const count = Math.min(w.count, PAGES - w.first);
        m.mem.setPages(FIRST_PFN + w.first, count, w.state, w.owner);
        m.state.fill(w.state, w.first, w.first + count);
        m.owner.fill(w.owner, w.first, w.first + count);
        if (w.clone) memories.push({ mem: m.mem.clone(), state: m.state.slice(), owner: m.owner.slice() });
      }
      memories.forEach((m, n) => {
        // The first page whose state or owner differs from what was written (none: -1).
        const wrong = m.state.findIndex(
          (state, i) => m.mem.state(FIRST_PFN + i) !== state || m.mem.owner(FIRST_PFN + i) !== m.owner[i],
        );
        assert.deepEqual({ memory: n, wrong }, { memory: n, wrong: -1 });
      });
    },
  );
});

describe('what a write copies, and when', () => {
  it('a table page is copied once, on the first write after a clone; until then both share it, frozen', () => {
    const mem = new PhysMem(geo);
    mem.addBlock('boot', BASE, 2 ** 29);
    mem.setPages(FIRST_PFN, 1, PageState.InUse, Owner.PageTable);
    const made = mem.makeTable(FIRST_PFN, 1);
    // Its own table: written where it lies, never frozen.
    assert.equal(mem.writableTable(FIRST_PFN, 'test'), made);
    assert.equal(mem.frozenTable(FIRST_PFN), undefined);
    const copy = mem.clone();
    // Shared by both: frozen on both sides, the same array.
    assert.deepEqual([mem.frozenTable(FIRST_PFN), copy.frozenTable(FIRST_PFN)], [made, made]);
    assert.equal(copy.frozenTable(FIRST_PFN), made);
    const written = copy.writableTable(FIRST_PFN, 'test');
    // (Not `.not.toBe`: on two distinct arrays it compares them deeply, word by word, for its hint.)
    assert.equal(Object.is(written, made), false);
    // The copy's own now: a second write goes to the same copy, and it is no longer frozen.
    assert.equal(copy.writableTable(FIRST_PFN, 'test'), written);
    assert.equal(copy.frozenTable(FIRST_PFN), undefined);
    assert.equal(mem.frozenTable(FIRST_PFN), made);
  });

  it('a chunk of page states is copied on its first write, and on the first write after a clone, never otherwise', () => {
    const mem = new PhysMem(geo);
    const block = mem.addBlock('hotplug', BASE, PAGES * geo.pageSize);
    // A new block's full chunks are all one zero chunk, shared by every memory and never written.
    const zero = block.state[1];
    assert.equal(block.state[0], zero);
    assert.equal(block.owner[1], zero);
    mem.setPages(FIRST_PFN + 2 ** 14, 1, PageState.InUse, Owner.Vmalloc);
    const own = mem.blocks[0]?.state[1];
    assert.notEqual(own, zero);
    assert.ok(zero?.every((b) => b === 0));
    mem.setPages(FIRST_PFN + 2 ** 14 + 2, 1, PageState.InUse, Owner.Vmalloc);
    assert.equal(mem.blocks[0]?.state[1], own);
    mem.clone();
    mem.setPages(FIRST_PFN + 2 ** 14, 1, PageState.Free, Owner.None);
    const copied = mem.blocks[0]?.state[1];
    assert.notEqual(copied, own);
    mem.setPages(FIRST_PFN + 2 ** 14 + 1, 1, PageState.Free, Owner.None);
    assert.equal(mem.blocks[0]?.state[1], copied);
    assert.equal(new PhysMem(geo).addBlock('hotplug', BASE, PAGES * geo.pageSize).state[0], zero);
  });

  it('writing a page that never held a table reads poison and records it, as reading does', () => {
    const mem = new PhysMem(geo);
    mem.addBlock('boot', BASE, 2 ** 29);
    const words = mem.writableTable(FIRST_PFN, 'cpu1');
    assert.ok(words.every((w) => w === POISON_WORD));
    assert.deepEqual(
      mem.violations.map((v) => [v.kind, v.pfn, v.accessor]),
      [['use-after-free', FIRST_PFN, 'cpu1']],
    );
  });
});
