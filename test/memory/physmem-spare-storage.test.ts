import { describe, expect, it } from 'vitest';
import { geometry } from '../../src/arch/geometry';
import { Owner, PageState } from '../../src/memory/page';
import { PhysMem } from '../../src/memory/physmem';

// A page handed out again for another use (PhysMem.forget) gives its table storage to a later table,
// but only storage this memory holds alone: a clone may still share it.
describe('the storage of a table page handed out again', () => {
  it('a clone keeps its table when the original hands the shared page out again and makes new tables', () => {
    const geo = geometry('4K/48');
    const mem = new PhysMem(geo);
    const block = mem.addBlock('boot', 2 ** 32, 2 ** 24);
    const [a, b] = [block.firstPfn, block.firstPfn + 1];
    mem.setPages(a, 2, PageState.InUse, Owner.PageTable);
    mem.makeTable(a, 3)[5] = 0x403;
    const copy = mem.clone();
    mem.forget(a);
    mem.makeTable(b, 3);
    mem.makeTable(a, 3);
    expect([copy.table(a, 'test')[5], mem.table(a, 'test')[5], mem.table(b, 'test')[5]]).toEqual([0x403, 0, 0]);
    expect(copy.violations).toEqual([]);
  });
});
