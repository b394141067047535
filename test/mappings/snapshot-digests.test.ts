import { describe, expect, it } from 'vitest';
import { SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { snapshot } from '../../src/mappings/snapshot';
import { Owner, PageState } from '../../src/memory/page';
import { smallKernel } from '../support/kernels';

// snapshot() keeps the digest of a table page or a chunk of page states that a clone shares (no one
// writes it any more) and digests the others afresh every time: the fingerprint sees every change
// however the arrays are shared, and does not see a copy that changed nothing.
describe('snapshot over shared and own arrays', () => {
  it.each(SUPPORTED_CONFIGS)('%s: one page’s state or owner changed on either side of a clone is seen', (config) => {
    const k = smallKernel(config, { trace: false });
    const boot = k.mem.blocks[0];
    if (!boot) throw new Error('no boot memory');
    // A page of the last chunk of boot memory's page states.
    const pfn = boot.firstPfn + boot.pages - 6;
    const [state, owner] = [k.mem.state(pfn) as PageState, k.mem.owner(pfn) as Owner];
    const before = snapshot(k);
    const copy = k.clone();
    expect(snapshot(copy)).toBe(before);
    copy.mem.setPages(pfn, 1, state === PageState.Free ? PageState.InUse : PageState.Free, owner);
    expect(snapshot(copy)).not.toBe(before);
    expect(snapshot(k)).toBe(before);
    k.mem.setPages(pfn, 1, state, owner === Owner.None ? Owner.Vmalloc : Owner.None);
    const changed = snapshot(k);
    expect(changed).not.toBe(before);
    // Written back: the chunk is the original's own copy now, and the fingerprint is the one it had.
    k.mem.setPages(pfn, 1, state, owner);
    expect(snapshot(k)).toBe(before);
  });
});
