import assert from 'node:assert/strict';
import { Given, Then } from '@cucumber/cucumber';
import { hex64, kvaHex } from '../src/arch/address';
import { ERA_NAMES } from '../src/arch/era';
import { type Geometry, geometry, geometryOptions } from '../src/arch/geometry';
import { type Layout, layout } from '../src/arch/layout';
import { sharedTopEntry } from '../src/arch/sharing';
import { formatSize } from '../src/arch/size';
import { type LayoutSymbol, layoutSymbols } from '../src/arch/symbols';
import type { KernelOptions } from '../src/mappings/kernel';
import type { SpecWorld } from './support/world';

// Eras: the same configuration in v5.7, v6.1 and v6.12, side by side.

Given('the configuration {machine}', function (this: SpecWorld, geo: Geometry) {
  this.geo = geo;
  this.kasan = false;
});

Given('a kernel booted with the configuration {machine}', function (this: SpecWorld, geo: Geometry) {
  this.boot({ config: geo.name, ...geometryOptions(geo) });
});

Given(
  'a kernel booted with the configuration {machine} with {bootOptions}',
  function (this: SpecWorld, geo: Geometry, options: Partial<KernelOptions>) {
    this.boot({ config: geo.name, ...geometryOptions(geo), ...options });
  },
);

/** The scenario's configuration laid out in each era, in the order v5.7, v6.1, v6.12. */
function inEachEra(world: SpecWorld): Layout[] {
  return ERA_NAMES.map((era) => layout(geometry(world.config.name, { era }), { kasan: world.kasan }));
}

Then(
  '{symbol} is {hex} in v5.7, {hex} in v6.1 and {hex} in v6.12',
  function (this: SpecWorld, name: LayoutSymbol, v57: bigint, v61: bigint, v612: bigint) {
    const values = [v57, v61, v612];
    const shown = inEachEra(this).map((lay) => {
      const kva = layoutSymbols(lay)[name];
      return kva === undefined ? `no ${name} in ${lay.era}` : kvaHex(lay.geo, kva);
    });
    assert.deepEqual(shown, values.map(hex64));
  },
);

Then(
  'a memory section is {size} in v5.7, {size} in v6.1 and {size} in v6.12',
  function (this: SpecWorld, v57: number, v61: number, v612: number) {
    assert.deepEqual(
      inEachEra(this).map((lay) => formatSize(lay.geo.sectionSize)),
      [v57, v61, v612].map(formatSize),
    );
  },
);

/** The table pages below the PGD that vmalloc's last byte and VMEMMAP_START both walk through, in words. */
function sharedTables(lay: Layout): string {
  const levels = sharedTopEntry(lay).tables.map((t) => t.level);
  if (levels.length === 0) return 'no table';
  return levels.length === 1 ? `the ${levels[0]} table` : `the ${levels.join(' and ')} tables`;
}

Then(
  'vmalloc and vmemmap share {sharedTables} in v5.7, {sharedTables} in v6.1 and {sharedTables} in v6.12',
  function (this: SpecWorld, v57: string, v61: string, v612: string) {
    assert.deepEqual(inEachEra(this).map(sharedTables), [v57, v61, v612]);
  },
);

Then('vmalloc and vmemmap share {sharedTables}', function (this: SpecWorld, shared: string) {
  assert.equal(sharedTables(this.layout), shared);
});

Then(
  'the kernel walks {int} levels from a PGD of {int} entries, each mapping {size}',
  function (this: SpecWorld, levels: number, entries: number, size: number) {
    const top = this.config.levels[0];
    assert.deepEqual(
      [this.config.levelCount, top?.entries, formatSize(top?.entrySize ?? 0)],
      [levels, entries, formatSize(size)],
    );
  },
);
