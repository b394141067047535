import { describe, expect, it } from 'vitest';
import { HI_PROT_NONE, PAGE_KERNEL } from '../../src/arch/descriptor';
import { MappingConflictError, OutOfMemoryError, RangeRuleError } from '../../src/errors';
import { createPgdMapping, type MappingRequest } from '../../src/mappings/create-mapping';
import { Owner } from '../../src/memory/page';
import type { PageTables } from '../../src/tables/page-tables';
import { reachableTables } from '../../src/tables/tree';
import { translate, walk } from '../../src/tables/walker';
import { freshTables, GiB, MiB } from '../support/kernels';
import { refusal } from '../support/refusal';

const PAGE = 4096;
/** A page-sized request on 4K/39 (VA_BITS 39, PA_BITS 48) in otherwise empty tables. */
const request = (over: Partial<MappingRequest> = {}): MappingRequest => ({
  phys: GiB,
  virt: 8 * GiB,
  size: PAGE,
  prot: PAGE_KERNEL,
  flags: 0,
  actor: 'test',
  ...over,
});

/** What a refused request must leave as it was: every reachable table and its words, and the allocator. */
function state(pt: PageTables): string {
  const tables = reachableTables(pt).map((t) => `${t.pfn}:${[...pt.words(t.pfn, 'test')].join(',')}`);
  return `${pt.alloc.fingerprint()} ${tables.join(' ')}`;
}

describe('__create_pgd_mapping refuses a request the model cannot map, before anything changes', () => {
  it.each([
    ['an empty size', { size: 0 }, 'a mapping is non-empty and page-aligned in address, size and phys (virt='],
    ['an unaligned address', { virt: 8 * GiB + 512 }, 'page-aligned in address, size and phys'],
    ['an unaligned size', { size: PAGE + 512 }, `size=${PAGE + 512}, phys=0x000040000000)`],
    ['an unaligned phys', { phys: GiB + 512 }, 'phys=0x000040000200)'],
    [
      'an address below the TTBR1 half',
      { virt: -PAGE },
      `a mapping must lie inside the TTBR1 half (virt=${PAGE} bytes below the TTBR1 half, size=${PAGE})`,
    ],
    [
      'a range past the top',
      { virt: 2 ** 39 - PAGE, size: 2 * PAGE },
      'a mapping must lie inside the TTBR1 half (virt=0xfffffffffffff000',
    ],
    [
      'a range from the bottom of the TTBR1 half past its top',
      { virt: 0, size: 2 ** 39 + PAGE },
      '(virt=0xffffff8000000000, size=',
    ],
    ['a phys below 0', { phys: -PAGE }, 'a mapping’s physical range must fit the physical address bits'],
    [
      'a phys range past PA_BITS',
      { phys: 2 ** 48 - PAGE, size: 2 * PAGE },
      'physical address bits (phys=0xfffffffff000, size=8192, paBits=48)',
    ],
  ] as const)('%s', (_, over, message) => {
    const pt = freshTables('4K/39');
    const before = state(pt);
    const error = refusal(() => createPgdMapping(pt, request(over)));
    expect(error).toBeInstanceOf(RangeRuleError);
    expect(error.message).toContain(message);
    expect(state(pt)).toBe(before);
  });

  it('accepts the last page of the TTBR1 half, phys 0, and the last page PA_BITS reach', () => {
    const pt = freshTables('4K/39');
    createPgdMapping(pt, request({ virt: 2 ** 39 - PAGE, phys: 2 ** 48 - PAGE }));
    createPgdMapping(pt, request({ phys: 0 }));
    expect([translate(pt, 2 ** 39 - PAGE), translate(pt, 8 * GiB + 5)]).toEqual([2 ** 48 - PAGE, 5]);
  });

  // 4K/39: a page where the PGD entry is none needs a PMD and a PTE table.
  it('4K/39: two tables needed and one page left is refused naming both; two pages left is enough', () => {
    const short = freshTables('4K/39');
    while (short.alloc.available(0) > 1) short.alloc.alloc(0, Owner.System);
    const before = state(short);
    const error = refusal(() => createPgdMapping(short, request()));
    expect(error).toBeInstanceOf(OutOfMemoryError);
    expect(error.message).toContain('a mapping needs more table pages than the allocator has (needed=2, available=1)');
    expect(state(short)).toBe(before);
    const exact = freshTables('4K/39');
    while (exact.alloc.available(0) > 2) exact.alloc.alloc(0, Owner.System);
    createPgdMapping(exact, request());
    expect(translate(exact, 8 * GiB)).toBe(GiB);
  });
});

describe('a conflict anywhere in the range is found by the dry pass, before anything is written', () => {
  it('4K/39: a new PMD table for the first GiB of the range, a live block in the second: refused unchanged', () => {
    const pt = freshTables('4K/39');
    createPgdMapping(pt, request({ virt: 9 * GiB, phys: 2 * GiB, size: 2 * MiB }));
    const before = state(pt);
    const error = refusal(() =>
      createPgdMapping(pt, request({ virt: 9 * GiB - 2 * MiB, phys: 5 * GiB, size: 4 * MiB })),
    );
    expect(error).toBeInstanceOf(MappingConflictError);
    expect(state(pt)).toBe(before);
  });

  it('4K/39: pages that map well before a PTE that conflicts: refused unchanged', () => {
    const pt = freshTables('4K/39');
    createPgdMapping(pt, request({ virt: 8 * GiB + PAGE, phys: GiB + PAGE }));
    const before = state(pt);
    const error = refusal(() => createPgdMapping(pt, request({ phys: 3 * GiB, size: 2 * PAGE })));
    expect(error).toBeInstanceOf(MappingConflictError);
    expect(state(pt)).toBe(before);
  });

  it('4K/39: a PMD entry with only its high half set is not none: no table is put over it', () => {
    const pt = freshTables('4K/39');
    createPgdMapping(pt, request({ virt: 8 * GiB + 2 * MiB }));
    const pmd = walk(pt, 8 * GiB).steps[1];
    if (pmd?.level.name !== 'PMD') throw new Error('a PMD table');
    pt.writeEntry(pmd.table, 1, pmd.index, 0, HI_PROT_NONE, 8 * GiB, 'test');
    const before = state(pt);
    expect(refusal(() => createPgdMapping(pt, request()))).toBeInstanceOf(MappingConflictError);
    expect(state(pt)).toBe(before);
  });
});

describe('the writes a mapping records', () => {
  it.each([true, false])(
    '4K/39, trace recording %s: one write per page, into a fresh PTE table or one in use',
    (recording) => {
      const pt = freshTables('4K/39');
      pt.trace.recording = recording;
      for (const virt of [8 * GiB, 8 * GiB + 8 * PAGE]) {
        const [mark, writes] = [pt.trace.mark(), pt.trace.counts.write];
        createPgdMapping(pt, request({ virt, size: 4 * PAGE, phys: GiB + virt - 8 * GiB }));
        expect(pt.trace.counts.write - writes).toBe(4);
        const events = pt.trace.since(mark).filter((e) => e.op === 'write');
        expect(events.map((e) => e.va)).toEqual(recording ? [0, 1, 2, 3].map((i) => virt + i * PAGE) : []);
      }
      expect(translate(pt, 8 * GiB + 11 * PAGE)).toBe(GiB + 11 * PAGE);
    },
  );
});
