import assert from 'node:assert/strict';
import { type DataTable, Given, Then, When } from '@cucumber/cucumber';
import { hex64, kvaHex, physHex } from '../src/arch/address';
import { DescType, descAddr, descType } from '../src/arch/descriptor';
import type { Geometry, Level, LevelName } from '../src/arch/geometry';
import { regionOf } from '../src/arch/layout';
import { linearVmallocSharing, sharedTopEntry } from '../src/arch/sharing';
import { ModelError } from '../src/errors';
import { archAddMemory } from '../src/hotplug/add';
import { type FreeingPolicy, policyNamed } from '../src/hotplug/policy';
import { archRemoveMemorySteps, type RemovalReport, sectionVmemmap } from '../src/hotplug/remove';
import { strandedTables } from '../src/hotplug/worst-case';
import type { Kernel } from '../src/mappings/kernel';
import { tablesFingerprint } from '../src/mappings/snapshot';
import { vmemmapLeafLevel } from '../src/mappings/vmemmap';
import { Owner } from '../src/memory/page';
import { runToEnd, type Steps } from '../src/tables/step';
import { reachableTables, tablesReachingBoth } from '../src/tables/tree';
import { mmuTranslate, walk } from '../src/tables/walker';
import type { SpecWorld } from './support/world';
import { describeTeardowns, levelCounts } from './teardown.steps';

// Memory hotplug as arch_add_memory and arch_remove_memory see it: whole sections added and removed.

Given(
  'a kernel booted with the configuration {config} and {size} of boot memory',
  function (this: SpecWorld, geo: Geometry, size: number) {
    this.boot({ config: geo.name, bootSize: size });
  },
);

interface AddChoice {
  readonly altmap?: boolean;
  readonly failAtSection?: number;
}

/** Runs arch_add_memory for `size` bytes at `pa` (one section when no size is given). */
function hotAdd(world: SpecWorld, pa: bigint, choice: AddChoice = {}, size?: number): void {
  world.change((k) => {
    world.hotplug.tablesBeforeAdd ??= tablesFingerprint(k);
    world.hotplug.added = archAddMemory(k, Number(pa), size ?? k.geo.sectionSize, choice);
    const rollback = world.hotplug.added.rollback;
    if (rollback) world.attach(describeTeardowns(k, [rollback]), 'text/plain');
  });
  world.hotplug.allocatedByAdds.push(world.tablesAllocated().length);
}

When('the section at {hex} is hot-added', function (this: SpecWorld, pa: bigint) {
  hotAdd(this, pa);
});

When('{size} of memory at {hex} is hot-added', function (this: SpecWorld, size: number, pa: bigint) {
  hotAdd(this, pa, {}, size);
});

When('the section at {hex} is hot-added with an altmap', function (this: SpecWorld, pa: bigint) {
  hotAdd(this, pa, { altmap: true });
});

When('the section at {hex} is hot-added and populating its vmemmap fails', function (this: SpecWorld, pa: bigint) {
  hotAdd(this, pa, { failAtSection: 0 });
});

/**
 * Runs arch_remove_memory for `size` bytes at `pa` (one section when no size is given), step by step
 * when asked, watching the walk cache for stale pointers.
 */
function hotRemove(world: SpecWorld, pa: bigint, policy: FreeingPolicy, stepwise = false, size?: number): void {
  world.change((k) => {
    world.hotplug.vmemmapInUseBefore = k.alloc.inUse.get(Owner.Vmemmap) ?? 0;
    const steps = archRemoveMemorySteps(k, Number(pa), size ?? k.geo.sectionSize, { policy, stepwise });
    const report = stepwise ? watchWalkCache(world, k, steps) : runToEnd(steps);
    world.hotplug.lastTeardowns = [...report.parts];
    world.hotplug.leftBehind = strandedTables(k, report.parts);
    world.attach(describeTeardowns(k, report.parts), 'text/plain');
  });
}

/** Runs a step-wise removal, counting after every step the cached table pointers that name a freed page. */
function watchWalkCache(world: SpecWorld, k: Kernel, steps: Steps<RemovalReport>): RemovalReport {
  let worst = 0;
  for (;;) {
    const next = steps.next();
    worst = Math.max(worst, k.pt.tlb.staleWalks().length);
    if (next.done) {
      world.hotplug.staleAtWorst = worst;
      return next.value;
    }
  }
}

When('the section at {hex} is hot-removed', function (this: SpecWorld, pa: bigint) {
  hotRemove(this, pa, policyNamed('v5.7'));
});

When(
  'the section at {hex} is hot-removed with the policy {policy}',
  function (this: SpecWorld, pa: bigint, policy: FreeingPolicy) {
    hotRemove(this, pa, policy);
  },
);

When('{size} of memory at {hex} is hot-removed', function (this: SpecWorld, size: number, pa: bigint) {
  hotRemove(this, pa, policyNamed('v5.7'), false, size);
});

When(
  '{size} of memory at {hex} is hot-removed with the policy {policy}',
  function (this: SpecWorld, size: number, pa: bigint, policy: FreeingPolicy) {
    hotRemove(this, pa, policy, false, size);
  },
);

When(
  'the section at {hex} is hot-removed with the policy {policy}, step by step',
  function (this: SpecWorld, pa: bigint, policy: FreeingPolicy) {
    hotRemove(this, pa, policy, true);
  },
);

When(
  'the CPU has walked to the first page of the section at {hex} and to its struct page',
  function (this: SpecWorld, pa: bigint) {
    this.change((k) => {
      const [vmemmap] = sectionVmemmap(k, k.sectionOf(Number(pa)));
      for (const va of [k.linearVa(Number(pa)), vmemmap]) mmuTranslate(k.pt, va);
    });
  },
);

Then('the page tables are exactly as before the hot-add', function (this: SpecWorld) {
  const before = this.hotplug.tablesBeforeAdd;
  assert.ok(before, 'no section was hot-added in this scenario');
  assert.equal(tablesFingerprint(this.kernel), before, 'the page tables differ from before the hot-add');
});

Then('the page tables are not as before the hot-add', function (this: SpecWorld) {
  const before = this.hotplug.tablesBeforeAdd;
  assert.ok(before, 'no section was hot-added in this scenario');
  assert.notEqual(tablesFingerprint(this.kernel), before);
});

Then(
  'the hot-add used the tables left behind again, {tableCounts}: it allocated that many fewer table pages than the first',
  function (this: SpecWorld, expected: string) {
    const k = this.kernel;
    const left = this.hotplug.leftBehind;
    assert.ok(left, 'no section was hot-removed in this scenario');
    assert.equal(levelCounts(k, left), expected, 'the tables the removal left behind');
    const now = new Map(reachableTables(k.pt).map((n) => [n.pfn, n]));
    for (const d of left) {
      const n = now.get(d.pfn);
      const where = `the ${d.level} table at ${kvaHex(k.geo, d.va)}`;
      assert.ok(n?.level.name === d.level && n.va === d.va, `${where} is no longer in its place`);
    }
    assert.deepEqual(strandedTables(k, this.hotplug.lastTeardowns), [], 'a table left behind still maps nothing');
    const [first, ...later] = this.hotplug.allocatedByAdds;
    assert.ok(first !== undefined && later.length > 0, 'memory was not hot-added twice');
    assert.equal(later.at(-1), first - left.length, 'table pages the last hot-add allocated');
  },
);

Then('the hot-add returned an {word} and rolled the linear map back', function (this: SpecWorld, name: string) {
  const added = this.hotplug.added;
  assert.ok(added, 'no section was hot-added in this scenario');
  assert.equal(added.error?.name, name, 'the hot-add did not return that error');
  assert.ok(added.rollback, 'the linear map was not torn down again');
  assert.equal(added.rollback.caller, '__remove_pgd_mapping');
});

Then('no memory is present at {hex}', function (this: SpecWorld, pa: bigint) {
  const k = this.kernel;
  assert.equal(k.mem.blockOf(Number(pa) / k.geo.pageSize), undefined, `${physHex(Number(pa))} is present`);
  assert.equal(k.sections.has(k.sectionOf(Number(pa))), false, 'the section is registered');
});

/** The page frames backing a section's struct pages, found by walking its vmemmap range. */
function vmemmapBacking(k: Kernel, pa: number): number[] {
  const [start, end] = sectionVmemmap(k, k.sectionOf(pa));
  const pfns: number[] = [];
  for (let va = start; va < end; ) {
    const w = walk(k.pt, va);
    const leaf = w.steps.at(-1);
    assert.ok(leaf && w.pa !== undefined, 'a struct page of the section is not mapped');
    pfns.push(descAddr(leaf.lo, leaf.hi, k.geo.pageShift) / k.geo.pageSize);
    va = (Math.floor(va / w.stoppedAt.entrySize) + 1) * w.stoppedAt.entrySize;
  }
  return pfns;
}

function inSection(k: Kernel, pa: number, pfn: number): boolean {
  return k.sectionOf(pfn * k.geo.pageSize) === k.sectionOf(pa);
}

Then(
  'the struct pages of the section at {hex} are backed by pages from {backing}',
  function (this: SpecWorld, pa: bigint, backing: string) {
    const k = this.kernel;
    const pfns = vmemmapBacking(k, Number(pa));
    const from = pfns.map((pfn) => (inSection(k, Number(pa), pfn) ? 'section' : 'allocator'));
    this.attach(
      pfns
        .map((pfn, i) => `${physHex(pfn * k.geo.pageSize)}  ${from[i]}  owner ${Owner[k.mem.owner(pfn) ?? 0]}`)
        .join('\n'),
      'text/plain',
    );
    assert.deepEqual(new Set(from), new Set([backing]));
  },
);

Then(
  'hot-remove gave {int} pages of vmemmap backing back to {backing}',
  function (this: SpecWorld, pages: number, backing: string) {
    const k = this.kernel;
    const vmemmap = this.hotplug.lastTeardowns.find((t) => t.caller === 'vmemmap_free');
    const removed = this.hotplug.added?.start;
    assert.ok(vmemmap && removed !== undefined, 'no hot-added section was removed');
    const freed = this.events().filter(
      (e) => e.op === 'free' && e.note !== 'table page' && (e.va ?? -1) >= vmemmap.start && (e.va ?? -1) < vmemmap.end,
    );
    const perLeaf = vmemmapLeafLevel(k).entrySize / k.geo.pageSize;
    const fromSection = freed.filter((e) => inSection(k, removed, e.pfn ?? -1)).length;
    const toAllocator = (this.hotplug.vmemmapInUseBefore ?? 0) - (k.alloc.inUse.get(Owner.Vmemmap) ?? 0);
    assert.equal(freed.length * perLeaf, pages);
    const expected = backing === 'section' ? [freed.length, 0] : [0, pages];
    assert.deepEqual([fromSection, toAllocator], expected, 'pages from the section, pages back to the allocator');
  },
);

// What the teardown of a section's linear map cleared.

Then(
  'the linear map of the section was cleared leaf by leaf, {leaves}, each with one TLB invalidation',
  function (this: SpecWorld, leaves: string) {
    const linear = this.hotplug.lastTeardowns.find((t) => t.caller === '__remove_pgd_mapping');
    assert.ok(linear, 'the linear map was not torn down');
    const inRange = this.events().filter((e) => (e.va ?? -1) >= linear.start && (e.va ?? -1) < linear.end);
    const counts = new Map<string, number>();
    const leafClears = inRange.filter((e, i) => e.op === 'clear' && inRange[i + 1]?.op === 'invalidate-tlb');
    for (const e of leafClears) {
      const key = `${e.level} ${e.level === 'PTE' ? 'page' : 'block'}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const invalidations = inRange.filter((e) => e.op === 'invalidate-tlb').length;
    assert.equal(invalidations, leafClears.length, 'one TLB invalidation per leaf cleared');
    const text = [...counts].map(([key, n]) => `${n} ${key}`).join(', ');
    assert.equal(text, leaves);
  },
);

// The table page under the PGD entry that vmalloc and vmemmap share.

interface SharedNode {
  readonly pfn: number;
  readonly depth: number;
  readonly va: number;
}

function sharedTable(k: Kernel): SharedNode {
  const first = sharedTopEntry(k.layout).tables[0];
  assert.ok(first, `vmalloc and vmemmap share no table on ${k.geo.name}`);
  const step = walk(k.pt, first.start).steps[1];
  assert.ok(step, 'the shared PGD entry holds no table');
  return { pfn: step.table, depth: 1, va: first.start };
}

/** Live entries of a table page: index, first address, and the descriptor words. */
function liveEntries(k: Kernel, node: SharedNode): { index: number; va: number; lo: number; hi: number }[] {
  const level = k.geo.levels[node.depth] as Level;
  const words = k.pt.words(node.pfn, 'spec');
  const out: { index: number; va: number; lo: number; hi: number }[] = [];
  for (let i = 0; i < level.entries; i++) {
    const lo = words[2 * i] as number;
    const hi = words[2 * i + 1] as number;
    if ((lo | hi) !== 0) out.push({ index: i, va: node.va + i * level.entrySize, lo, hi });
  }
  return out;
}

/** The regions of every leaf reachable below an entry, bottom to top, without repeats. */
function regionsBelow(k: Kernel, depth: number, va: number, lo: number, hi: number, into: Set<string>): void {
  const level = k.geo.levels[depth] as Level;
  if (descType(level, lo) !== DescType.Table) {
    into.add(regionOf(k.layout, va)?.name ?? 'no region');
    return;
  }
  const child = { pfn: descAddr(lo, hi, k.geo.pageShift) / k.geo.pageSize, depth: depth + 1, va };
  for (const e of liveEntries(k, child)) regionsBelow(k, depth + 1, e.va, e.lo, e.hi, into);
}

Given('the shared table is stripped of everything it holds \\(a constructed state)', function (this: SpecWorld) {
  this.change((k) => {
    const node = sharedTable(k);
    for (const e of liveEntries(k, node)) k.pt.clearEntry(node.pfn, node.depth, e.index, e.va, 'constructed');
  });
});

Then(
  'the shared table is {string}, and its live entries are:',
  function (this: SpecWorld, name: string, table: DataTable) {
    const k = this.kernel;
    const node = sharedTable(k);
    const level = k.geo.levels[node.depth] as Level;
    assert.equal(this.tableName({ pfn: node.pfn, level }), name);
    const rows = liveEntries(k, node).map((e) => {
      const below = k.geo.levels[node.depth + 1] as Level;
      const child = descAddr(e.lo, e.hi, k.geo.pageShift) / k.geo.pageSize;
      const regions = new Set<string>();
      regionsBelow(k, node.depth, e.va, e.lo, e.hi, regions);
      return {
        entry: String(e.index),
        'maps from': kvaHex(k.geo, e.va),
        holds: descType(level, e.lo) === DescType.Table ? this.tableName({ pfn: child, level: below }) : 'a leaf',
        'mappings below it': [...regions].join(', '),
      };
    });
    this.attach(rows.map((r) => Object.values(r).join(' | ')).join('\n'), 'text/plain');
    assert.deepEqual(rows, table.hashes());
  },
);

/** Table pages below the PGD whose span reaches into both of two address ranges, as `PUD 0x…`. */
function tablesMappingBoth(k: Kernel, a: [number, number], b: [number, number]): string[] {
  return tablesReachingBoth(k.pt, a, b).map((n) => `${n.level.name} ${kvaHex(k.geo, n.va)}`);
}

const vmallocRange = (k: Kernel): [number, number] => [k.layout.vmallocStart, k.layout.vmallocEnd];

Then('no table page below the PGD maps both vmalloc and vmemmap addresses', function (this: SpecWorld) {
  const k = this.kernel;
  assert.deepEqual(tablesMappingBoth(k, vmallocRange(k), [k.layout.vmemmapStart, k.layout.vmemmapEnd]), []);
});

Then(
  'one table page below the PGD maps both vmalloc and vmemmap addresses: the {level} table at {hex}',
  function (this: SpecWorld, level: LevelName, va: bigint) {
    const k = this.kernel;
    assert.deepEqual(tablesMappingBoth(k, vmallocRange(k), [k.layout.vmemmapStart, k.layout.vmemmapEnd]), [
      `${level} ${hex64(va)}`,
    ]);
  },
);

Then(
  'PAGE_END lies on a PGD entry boundary: the linear map ends with PGD entry {int}, vmalloc begins in PGD entry {int}',
  function (this: SpecWorld, last: number, first: number) {
    const sharing = linearVmallocSharing(this.kernel.layout);
    assert.ok(sharing.pageEndOnPgdBoundary, 'PAGE_END is not a multiple of PGDIR_SIZE');
    assert.deepEqual([sharing.lastLinearEntry, sharing.firstVmallocEntry], [last, first]);
  },
);

Then('no table page below the PGD maps both linear-map and vmalloc addresses', function (this: SpecWorld) {
  const k = this.kernel;
  assert.deepEqual(linearVmallocSharing(k.layout).tables, [], 'PAGE_END − 1 and VMALLOC_START share a table');
  assert.deepEqual(tablesMappingBoth(k, [k.layout.pageOffset, k.layout.pageEnd], vmallocRange(k)), []);
});

// Bad input constructed on purpose, and the warnings it draws.

Given(
  'the {level} entry for {hex} holds the descriptor {hex} \\(a constructed state)',
  function (this: SpecWorld, level: LevelName, va: bigint, desc: bigint) {
    this.change((k) => {
      const kva = this.kva(va);
      const step = walk(k.pt, kva).steps.find((s) => s.level.name === level);
      assert.ok(step, `the walk of ${hex64(va)} does not reach a ${level} table`);
      const lo = Number(desc & 0xffff_ffffn);
      const hi = Number(desc >> 32n);
      k.pt.writeEntry(step.table, step.level.depth, step.index, lo, hi, kva, 'constructed');
    });
  },
);

Then('the rule it names is {string}', function (this: SpecWorld, rule: string) {
  assert.ok(this.error instanceof ModelError, 'nothing was refused');
  assert.equal(this.error.rule, rule);
});

Then('the refusal names {string}', function (this: SpecWorld, text: string) {
  assert.ok(this.error instanceof ModelError, 'nothing was refused');
  assert.ok(this.error.message.includes(text), `"${this.error.message}" does not name ${text}`);
});
