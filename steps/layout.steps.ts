import assert from 'node:assert/strict';
import { type DataTable, Given, Then } from '@cucumber/cucumber';
import { fromKva, hex64, kvaHex } from '../src/arch/address';
import type { LevelName } from '../src/arch/geometry';
import { sharedTopEntry } from '../src/arch/sharing';
import { formatSize } from '../src/arch/size';
import { type LayoutSymbol, layoutSymbols } from '../src/arch/symbols';
import { pgtableRangeAligned, spanMask } from '../src/hotplug/range-aligned';
import { layoutRows, memoryRstSize } from '../src/present/layout-text';
import type { SpecWorld } from './support/world';

function symbolHex(world: SpecWorld, name: LayoutSymbol): string {
  const kva = layoutSymbols(world.layout)[name];
  assert.ok(kva !== undefined, `${name} does not exist in this layout`);
  return kvaHex(world.config, kva);
}

Given(/^generic KASAN is (on|off)$/, function (this: SpecWorld, state: string) {
  this.kasan = state === 'on';
});

Then('{symbol} is {hex}', function (this: SpecWorld, name: LayoutSymbol, value: bigint) {
  assert.equal(symbolHex(this, name), hex64(value));
});

Then(
  'the KASAN shadow spans {size} from {hex} to {hex}',
  function (this: SpecWorld, size: number, start: bigint, end: bigint) {
    const shadow = this.layout.regions.find((r) => r.key === 'kasan');
    assert.ok(shadow, 'there is no KASAN shadow');
    assert.deepEqual(
      [formatSize(shadow.end - shadow.start), kvaHex(this.config, shadow.start), kvaHex(this.config, shadow.end)],
      [formatSize(size), hex64(start), hex64(end)],
    );
  },
);

Then(
  'the gap from VMALLOC_END to the top of the address space is a PUD_SIZE of {size}, a VMEMMAP_SIZE of {size} and 64K',
  function (this: SpecWorld, pudSize: number, vmemmapSize: number) {
    const lay = this.layout;
    assert.equal(formatSize(2 ** this.config.shiftOf.PUD), formatSize(pudSize));
    assert.equal(formatSize(lay.vmemmapEnd - lay.vmemmapStart), formatSize(vmemmapSize));
    assert.equal(2 ** this.config.vaBits - lay.vmallocEnd, pudSize + vmemmapSize + 2 ** 16);
  },
);

Then(
  'VMEMMAP_START lies {size} above VMALLOC_END: a PUD_SIZE of {size}, plus 64K, less 2M',
  function (this: SpecWorld, gap: number, pudSize: number) {
    const lay = this.layout;
    assert.equal(formatSize(2 ** this.config.shiftOf.PUD), formatSize(pudSize));
    assert.equal(formatSize(lay.vmemmapStart - lay.vmallocEnd), formatSize(gap));
    assert.equal(gap, pudSize + 2 ** 16 - 2 ** 21);
  },
);

Then(
  'the vmemmap region spans {size}, 64 bytes for every page from PAGE_OFFSET to the PAGE_END of VA_BITS_MIN',
  function (this: SpecWorld, size: number) {
    const geo = this.config;
    const pages = (2 ** geo.vaBits - 2 ** (geo.vaBitsMin - 1)) / geo.pageSize;
    const lay = this.layout;
    assert.equal(formatSize(lay.vmemmapEnd - lay.vmemmapStart), formatSize(size));
    assert.equal(pages * geo.structPageSize, size);
  },
);

Then(/^the regions run from bottom to top as (.+)$/, function (this: SpecWorld, order: string) {
  assert.equal(this.layout.regions.map((r) => r.key).join(', '), order);
});

Then('no two regions overlap and all lie in the TTBR1 half', function (this: SpecWorld) {
  const regions = this.layout.regions;
  const top = 2 ** this.config.vaBits;
  regions.forEach((r, i) => {
    const next = regions[i + 1];
    assert.ok(r.start >= 0 && r.start < r.end && r.end <= top, `${r.name} is empty or outside the TTBR1 half`);
    assert.ok(!next || r.end <= next.start, `${r.name} overlaps ${next?.name}`);
  });
});

Then('the layout table, as memory.rst draws it, reads:', function (this: SpecWorld, table: DataTable) {
  const actual = layoutRows(this.layout, { guards: true }).map((r) => ({
    start: hex64(r.start).slice(2),
    end: hex64(r.last).slice(2),
    size: memoryRstSize(r.size),
    use: r.use,
  }));
  assert.deepEqual(actual, table.hashes());
});

Then('the last vmalloc byte is {hex}, in PGD entry {int}', function (this: SpecWorld, last: bigint, entry: number) {
  assert.equal(kvaHex(this.config, this.layout.vmallocEnd - 1), hex64(last));
  assert.equal(sharedTopEntry(this.layout).vmallocEntry, entry);
});

Then('VMEMMAP_START falls in PGD entry {int}', function (this: SpecWorld, entry: number) {
  assert.equal(sharedTopEntry(this.layout).vmemmapEntry, entry);
});

Then(
  'vmalloc and vmemmap share only the {level} table under that entry, which maps {size} from {hex}',
  function (this: SpecWorld, level: LevelName, span: number, start: bigint) {
    const sharing = sharedTopEntry(this.layout);
    assert.ok(sharing.shared, 'vmalloc and vmemmap are under different PGD entries');
    const shown = sharing.tables.map((t) => [t.level, formatSize(t.span), kvaHex(this.config, t.start)]);
    assert.deepEqual(shown, [[level, formatSize(span), hex64(start)]]);
  },
);

Then(
  'in that table the last vmalloc byte uses entry {int} and VMEMMAP_START entry {int}',
  function (this: SpecWorld, vmallocIndex: number, vmemmapIndex: number) {
    const last = sharedTopEntry(this.layout).tables.at(-1);
    assert.ok(last, 'no table is shared');
    assert.deepEqual([last.lowIndex, last.highIndex], [vmallocIndex, vmemmapIndex]);
  },
);

Then('vmalloc and vmemmap share no table page', function (this: SpecWorld) {
  const sharing = sharedTopEntry(this.layout);
  assert.deepEqual([sharing.shared, sharing.tables], [false, []]);
});

Then('the shared table begins below VMEMMAP_START, outside the vmemmap region', function (this: SpecWorld) {
  const lay = this.layout;
  const geo = this.config;
  const tables = sharedTopEntry(lay).tables;
  assert.ok(tables.length > 0, 'no table is shared');
  for (const t of tables) {
    const vmemmapPart = [Math.max(t.start, lay.vmemmapStart), Math.min(t.start + t.span, lay.vmemmapEnd)];
    const [start, end, floor, ceiling] = [...vmemmapPart, lay.vmemmapStart, lay.vmemmapEnd].map((kva) =>
      fromKva(geo, kva),
    ) as [bigint, bigint, bigint, bigint];
    const verdict = pgtableRangeAligned(start, end, floor, ceiling, spanMask(t.span));
    assert.ok(t.start < lay.vmemmapStart, `the ${t.level} table starts at ${kvaHex(geo, t.start)}, inside vmemmap`);
    assert.equal(verdict, 'below-floor', `vmemmap_free's floor and ceiling make the ${t.level} table ${verdict}`);
  }
});
