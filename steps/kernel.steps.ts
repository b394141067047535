import assert from 'node:assert/strict';
import { Given, Then } from '@cucumber/cucumber';
import type { Geometry } from '../src/arch/geometry';
import { layoutSymbols } from '../src/arch/symbols';
import type { KernelOptions } from '../src/mappings/kernel';
import { OWNER_NAMES, Owner, PAGE_STATE_NAMES, PageState } from '../src/memory/page';
import { reachableTables } from '../src/tables/tree';
import { walk } from '../src/tables/walker';
import type { SpecWorld } from './support/world';

// The boot state: a kernel booted as paging_init leaves it, and what that state holds.

Given('a kernel booted with the configuration {config}', function (this: SpecWorld, geo: Geometry) {
  this.boot({ config: geo.name });
});

Given(
  'a kernel booted with the configuration {config} with {bootOptions}',
  function (this: SpecWorld, geo: Geometry, options: Partial<KernelOptions>) {
    this.boot({ config: geo.name, ...options });
  },
);

Then('the static tables of the kernel image are {string}', function (this: SpecWorld, expected: string) {
  const k = this.kernel;
  const nodes = reachableTables(k.pt).filter((n) => k.pt.isStatic(n.pfn));
  this.attach(nodes.map((n) => this.describeTable(n)).join('\n'), 'text/plain');
  assert.equal(nodes.length, k.pt.staticTables.size, 'every static table is reachable from swapper_pg_dir');
  assert.equal(nodes.map((n) => this.tableName(n)).join(', '), expected);
});

Then('every static table is a reserved page of the kernel image', function (this: SpecWorld) {
  const k = this.kernel;
  for (const pfn of k.pt.staticTables) {
    assert.equal(PAGE_STATE_NAMES[k.mem.state(pfn) as PageState], PAGE_STATE_NAMES[PageState.Reserved]);
    assert.equal(OWNER_NAMES[k.mem.owner(pfn) as Owner], OWNER_NAMES[Owner.KernelImage]);
  }
});

Then('the walk to {word} passes through {string}', function (this: SpecWorld, symbol: string, expected: string) {
  const k = this.kernel;
  const kva = (layoutSymbols(k.layout) as Record<string, number | undefined>)[symbol];
  assert.ok(kva !== undefined, `${symbol} is not a layout symbol of ${k.geo.name}`);
  const w = walk(k.pt, kva);
  const names = w.steps.map((s) => this.tableName({ pfn: s.table, level: s.level }));
  assert.equal(names.join(' → '), expected);
});

Then('every table page reachable from swapper_pg_dir is reserved', function (this: SpecWorld) {
  const k = this.kernel;
  const states = new Map<string, number>();
  for (const n of reachableTables(k.pt)) {
    const key = `${n.level.name} ${PAGE_STATE_NAMES[k.mem.state(n.pfn) as PageState]}`;
    states.set(key, (states.get(key) ?? 0) + 1);
  }
  this.attach([...states].map(([key, count]) => `${key}: ${count}`).join('\n'), 'text/plain');
  const levels = k.geo.levels.map((l) => `${l.name} ${PAGE_STATE_NAMES[PageState.Reserved]}`);
  for (const key of states.keys()) assert.ok(levels.includes(key), `a table page is not reserved: ${key}`);
});

Then('every table allocated is a page in use, not reserved', function (this: SpecWorld) {
  const k = this.kernel;
  const allocated = this.tablesAllocated();
  assert.ok(allocated.length > 0, 'the change allocated no table');
  for (const n of allocated) {
    assert.equal(PAGE_STATE_NAMES[k.mem.state(n.pfn) as PageState], PAGE_STATE_NAMES[PageState.InUse]);
    assert.equal(OWNER_NAMES[k.mem.owner(n.pfn) as Owner], OWNER_NAMES[Owner.PageTable]);
  }
});
