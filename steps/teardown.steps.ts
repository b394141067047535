import assert from 'node:assert/strict';
import { type DataTable, Then, When } from '@cucumber/cucumber';
import { hex64, kvaHex } from '../src/arch/address';
import { type LevelName, levelNamed } from '../src/arch/geometry';
import { formatSize } from '../src/arch/size';
import type { LayoutSymbol } from '../src/arch/symbols';
import { layoutSymbols } from '../src/arch/symbols';
import { type FreeingPolicy, policyNamed } from '../src/hotplug/policy';
import { pgtableRangeAligned } from '../src/hotplug/range-aligned';
import {
  removePgdMapping,
  subsectionVmemmap,
  type TableDecision,
  type TeardownReport,
  vmemmapFree,
} from '../src/hotplug/remove';
import { type LeftAtEdges, leftAtEdges, leftBehindBound, strandedTables, worstCase } from '../src/hotplug/worst-case';
import type { Kernel } from '../src/mappings/kernel';
import { PageState } from '../src/memory/page';
import { runToEnd, type Steps } from '../src/tables/step';
import type { TraceEvent } from '../src/tables/trace';
import type { SpecWorld } from './support/world';

// The two-pass teardown: pgtable_range_aligned, the tables free_empty_tables frees or keeps and why,
// floor and ceiling per caller, the order of clear / invalidate / free, and what stays behind.

/** Why a table was kept, with the failing test of pgtable_range_aligned when that was the reason. */
export function decisionText(d: TableDecision): string {
  if (d.freed) return d.warning ? `freed after a WARN: ${d.warning}` : 'freed';
  if (d.verdict) return `${d.reason} (${d.verdict})`;
  return d.live === undefined ? d.reason : `${d.reason} (${d.live} live)`;
}

function tableLine(k: Kernel, d: TableDecision): string {
  return `${d.level} table ${kvaHex(k.geo, d.va)} – ${kvaHex(k.geo, d.va + d.span)} (${formatSize(d.span)})`;
}

/** Counts by level, top level first, as the {tableCounts} parameter writes them: `1 PUD, 2 PTE` or `none`. */
export function levelCounts(k: Kernel, decisions: readonly TableDecision[]): string {
  const parts = k.geo.levels
    .map((l) => [decisions.filter((d) => d.level === l.name).length, l.name] as const)
    .filter(([n]) => n > 0)
    .map(([n, name]) => `${n} ${name}`);
  return parts.length ? parts.join(', ') : 'none';
}

/** Every teardown as text: range, floor and ceiling, tables freed (PTE tables counted) and kept with the reason. */
export function describeTeardowns(k: Kernel, reports: readonly TeardownReport[]): string {
  return reports
    .map((r) => {
      const freed = r.decisions.filter((d) => d.freed);
      const listed = freed.filter((d) => d.level !== 'PTE' || freed.length <= 8);
      return [
        `${r.caller} [${kvaHex(k.geo, r.start)}, ${kvaHex(k.geo, r.end)}) floor ${hex64(r.floor)} ceiling ${hex64(r.ceiling)}`,
        `  freed: ${levelCounts(k, freed)}`,
        ...listed.map((d) => `    ${tableLine(k, d)}`),
        `  kept: ${levelCounts(
          k,
          r.decisions.filter((d) => !d.freed),
        )}`,
        ...r.decisions.filter((d) => !d.freed).map((d) => `    ${tableLine(k, d)}: ${decisionText(d)}`),
      ].join('\n');
    })
    .join('\n');
}

/** Runs one teardown as a change of the scenario's kernel and records its report. */
function tearDown(world: SpecWorld, run: (k: Kernel) => Steps<TeardownReport>): void {
  world.change((k) => {
    const report = runToEnd(run(k));
    world.hotplug.lastTeardowns = [report];
    world.attach(describeTeardowns(k, [report]), 'text/plain');
  });
}

function linearTeardown(world: SpecWorld, size: number, pa: bigint, policy: FreeingPolicy, pgdir?: number): void {
  tearDown(world, (k) => removePgdMapping(k, pgdir ?? k.pt.pgd, k.linearVa(Number(pa)), size, { policy }));
}

When(
  'the linear map of {size} of physical memory at {hex} is torn down',
  function (this: SpecWorld, size: number, pa: bigint) {
    linearTeardown(this, size, pa, policyNamed('v5.7'));
  },
);

When(
  'the linear map of {size} of physical memory at {hex} is torn down with the policy {policy}',
  function (this: SpecWorld, size: number, pa: bigint, policy: FreeingPolicy) {
    linearTeardown(this, size, pa, policy);
  },
);

When(
  'the linear map of {size} of physical memory at {hex} is torn down from a page directory other than swapper_pg_dir',
  function (this: SpecWorld, size: number, pa: bigint) {
    linearTeardown(this, size, pa, policyNamed('v5.7'), this.kernel.pt.pgd - 1);
  },
);

When(
  'the vmemmap from {hex} to {hex} is freed with the policy {policy}',
  function (this: SpecWorld, start: bigint, end: bigint, policy: FreeingPolicy) {
    tearDown(this, (k) => vmemmapFree(k, this.kva(start), this.kva(end), { policy }));
  },
);

When('the vmemmap from {hex} to {hex} is freed', function (this: SpecWorld, start: bigint, end: bigint) {
  tearDown(this, (k) => vmemmapFree(k, this.kva(start), this.kva(end)));
});

When(
  'the vmemmap of the section at {hex} is freed with the policy {policy}',
  function (this: SpecWorld, pa: bigint, policy: FreeingPolicy) {
    tearDown(this, (k) => {
      const start = k.vmemmapVa(Number(pa) / k.geo.pageSize);
      return vmemmapFree(k, start, start + k.sectionVmemmapSize, {
        policy,
        altmap: k.altmaps.get(k.sectionOf(Number(pa))),
      });
    });
  },
);

When(
  'vmemmap_free tears down {size} from {hex} and __remove_pgd_mapping {size} of physical memory at {hex}, with the policy {policy}',
  function (this: SpecWorld, vSize: number, vStart: bigint, lSize: number, pa: bigint, policy: FreeingPolicy) {
    this.change((k) => {
      const start = this.kva(vStart);
      const reports = [
        runToEnd(vmemmapFree(k, start, start + vSize, { policy })),
        runToEnd(removePgdMapping(k, k.pt.pgd, k.linearVa(Number(pa)), lSize, { policy })),
      ];
      this.hotplug.lastTeardowns = reports;
      this.attach(describeTeardowns(k, reports), 'text/plain');
    });
  },
);

// pgtable_range_aligned on its own.

When('the struct pages of the sub-section at {hex} are freed', function (this: SpecWorld, pa: bigint) {
  tearDown(this, (k) => vmemmapFree(k, ...subsectionVmemmap(k, Number(pa))));
});

Then(
  'vmemmap_free cleared {int} {level} entry/entries and freed {size} of struct-page backing',
  function (this: SpecWorld, count: number, level: LevelName, size: number) {
    const k = this.kernel;
    const entry = levelNamed(k.geo, level)?.entrySize ?? 0;
    const cleared = this.events().filter((e) => e.op === 'clear' && e.level === level);
    const backing = this.events().filter((e) => e.op === 'free' && e.note === 'mapped pages');
    assert.deepEqual(
      [cleared.length, formatSize(backing.length * entry)],
      [count, formatSize(size)],
      'entries cleared, backing freed',
    );
  },
);

When(
  'pgtable_range_aligned is asked about {hex} to {hex} with floor {hex}, ceiling {hex} and mask {hex}',
  function (this: SpecWorld, start: bigint, end: bigint, floor: bigint, ceiling: bigint, mask: bigint) {
    this.hotplug.verdict = pgtableRangeAligned(start, end, floor, ceiling, mask);
  },
);

Then('the table is {verdict}', function (this: SpecWorld, verdict: string) {
  assert.equal(this.hotplug.verdict, verdict);
});

// What free_empty_tables decided.

function decisionAt(world: SpecWorld, level: LevelName, kva: number): TableDecision {
  const k = world.kernel;
  const span = levelNamed(k.geo, level)?.tableSpan;
  assert.ok(span, `${level} is folded on ${k.geo.name}`);
  const va = Math.floor(kva / span) * span;
  const found = world.hotplug.lastTeardowns.flatMap((r) => r.decisions).find((d) => d.level === level && d.va === va);
  assert.ok(found, `pass 2 did not visit the ${level} table at ${kvaHex(k.geo, va)}`);
  return found;
}

Then('the {level} table at {hex} is freed', function (this: SpecWorld, level: LevelName, va: bigint) {
  assert.equal(decisionText(decisionAt(this, level, this.kva(va))), 'freed');
});

Then(
  'the {level} table at {hex} is freed after a WARN: {reserved}',
  function (this: SpecWorld, level: LevelName, va: bigint, kind: string) {
    assert.equal(decisionText(decisionAt(this, level, this.kva(va))), `freed after a WARN: ${kind}`);
  },
);

Then(
  'the {level} table at {hex} is kept: {reason}',
  function (this: SpecWorld, level: LevelName, va: bigint, why: string) {
    assert.equal(decisionText(decisionAt(this, level, this.kva(va))), why);
  },
);

Then('the {level} table mapping physical {hex} is freed', function (this: SpecWorld, level: LevelName, pa: bigint) {
  assert.equal(decisionText(decisionAt(this, level, this.kernel.linearVa(Number(pa)))), 'freed');
});

Then(
  'the {level} table mapping physical {hex} is kept: {reason}',
  function (this: SpecWorld, level: LevelName, pa: bigint, why: string) {
    assert.equal(decisionText(decisionAt(this, level, this.kernel.linearVa(Number(pa)))), why);
  },
);

Then('the boot tables pass 2 visited were kept: {string}', function (this: SpecWorld, expected: string) {
  const k = this.kernel;
  const boot = this.hotplug.lastTeardowns
    .flatMap((r) => r.decisions)
    .filter((d) => d.warning || k.pt.isStatic(d.pfn) || k.mem.state(d.pfn) === PageState.Reserved);
  assert.equal(
    boot.map((d) => `${d.level} ${d.freed ? decisionText(d) : `kept: ${decisionText(d)}`}`).join(', '),
    expected,
  );
});

Then('pass 2 did not visit the {level} table at {hex}', function (this: SpecWorld, level: LevelName, va: bigint) {
  const span = levelNamed(this.kernel.geo, level)?.tableSpan;
  assert.ok(span, `${level} is folded on ${this.kernel.geo.name}`);
  assert.ok(this.hotplug.lastTeardowns.length > 0, 'nothing was torn down');
  const at = Math.floor(this.kva(va) / span) * span;
  const visited = this.hotplug.lastTeardowns
    .flatMap((r) => r.decisions)
    .filter((d) => d.level === level && d.va === at);
  assert.deepEqual(visited.map(decisionText), []);
});

Then('the tables kept outside floor and ceiling are {string}', function (this: SpecWorld, expected: string) {
  const k = this.kernel;
  const kept = this.hotplug.lastTeardowns.flatMap((r) =>
    r.decisions
      .filter((d) => d.reason === 'outside floor/ceiling')
      .map(
        (d) => `${r.caller === 'vmemmap_free' ? 'vmemmap' : 'linear'} ${d.level} ${kvaHex(k.geo, d.va)} ${d.verdict}`,
      ),
  );
  assert.equal(kept.join(', ') || 'none', expected);
});

function keptOutside(world: SpecWorld, verdict: string): string {
  const decisions = world.hotplug.lastTeardowns
    .flatMap((r) => r.decisions)
    .filter((d) => d.verdict === verdict && !d.freed);
  return levelCounts(world.kernel, decisions);
}

Then('the tables kept beyond the ceiling are {tableCounts}', function (this: SpecWorld, expected: string) {
  assert.equal(keptOutside(this, 'beyond-ceiling'), expected);
});

// What stays behind.

function stranded(world: SpecWorld, caller?: TeardownReport['caller']): string {
  const k = world.kernel;
  const reports = world.hotplug.lastTeardowns.filter((r) => caller === undefined || r.caller === caller);
  return levelCounts(k, strandedTables(k, reports));
}

Then('the tables left behind, mapping nothing, are {tableCounts}', function (this: SpecWorld, expected: string) {
  assert.equal(stranded(this), expected);
});

Then(
  'the tables left behind are {tableCounts} in the linear map and {tableCounts} in vmemmap',
  function (this: SpecWorld, linear: string, vmemmap: string) {
    assert.deepEqual([stranded(this, '__remove_pgd_mapping'), stranded(this, 'vmemmap_free')], [linear, vmemmap]);
  },
);

Then('{int} table(s) were/was freed', function (this: SpecWorld, count: number) {
  assert.equal(this.hotplug.lastTeardowns.flatMap((r) => r.decisions).filter((d) => d.freed).length, count);
});

Then('{int} table(s) were/was left behind, mapping nothing', function (this: SpecWorld, count: number) {
  const k = this.kernel;
  assert.equal(strandedTables(k, this.hotplug.lastTeardowns).length, count);
});

When('the worst-case range for floor and ceiling = the removed range is torn down', function (this: SpecWorld) {
  this.change((k) => {
    const worst = worstCase(k);
    this.hotplug.worst = worst;
    this.hotplug.lastTeardowns = [worst.report];
    this.attach(describeTeardowns(k, [worst.report]), 'text/plain');
  });
});

Then(
  'the range is two pages around the {level} boundary at {hex}',
  function (this: SpecWorld, level: LevelName, va: bigint) {
    const worst = this.hotplug.worst;
    assert.ok(worst, 'no worst case was torn down');
    const page = this.kernel.geo.pageSize;
    assert.deepEqual(
      [worst.crosses, kvaHex(this.kernel.geo, worst.boundary), worst.end - worst.start],
      [level, hex64(va), 2 * page],
    );
  },
);

Then(
  'the bound for {int} levels is {int}: one table per level below the PGD at each end',
  function (this: SpecWorld, levels: number, bound: number) {
    const k = this.kernel;
    const below = k.geo.levels.slice(1).map((l) => l.name);
    assert.deepEqual([k.geo.levelCount, 2 * below.length, leftBehindBound(k.geo)], [levels, bound, bound]);
    assert.ok(this.hotplug.lastTeardowns.length > 0, 'nothing was torn down');
    for (const r of this.hotplug.lastTeardowns) {
      const edges = leftAtEdges(k, r);
      assert.deepEqual(edges.neither, [], `${r.caller} left a table behind that straddles neither floor nor ceiling`);
      for (const [edge, left] of [
        ['floor', edges.floor],
        ['ceiling', edges.ceiling],
      ] as const) {
        const names = left.map((d) => d.level);
        assert.ok(
          names.every((n) => below.includes(n)),
          `${r.caller} left a table at the ${edge} above the levels below the PGD`,
        );
        assert.equal(new Set(names).size, names.length, `${r.caller} left two tables of one level at the ${edge}`);
      }
      assert.ok(strandedTables(k, [r]).length <= bound, `${r.caller} left more than ${bound} tables behind`);
    }
  },
);

Then('every table left behind straddles the floor or the ceiling, half of them each', function (this: SpecWorld) {
  const k = this.kernel;
  const edges = this.hotplug.lastTeardowns.map((r) => leftAtEdges(k, r));
  const count = (pick: (e: LeftAtEdges) => readonly TableDecision[]): number =>
    edges.reduce((n, e) => n + pick(e).length, 0);
  const left = strandedTables(k, this.hotplug.lastTeardowns).length;
  assert.ok(left > 0, 'no table was left behind');
  assert.deepEqual(
    [count((e) => e.floor), count((e) => e.ceiling), count((e) => e.neither)],
    [left / 2, left / 2, 0],
    'tables straddling the floor, the ceiling, neither',
  );
});

// Floor and ceiling per caller.

function teardownBy(world: SpecWorld, caller: TeardownReport['caller']): TeardownReport {
  const report = world.hotplug.lastTeardowns.find((r) => r.caller === caller);
  assert.ok(report, `${caller} did not run`);
  return report;
}

function symbolValue(world: SpecWorld, name: LayoutSymbol): string {
  const kva = layoutSymbols(world.kernel.layout)[name];
  assert.ok(kva !== undefined, `${name} is not part of this layout`);
  return kvaHex(world.kernel.geo, kva);
}

Then(
  '{caller} ran with floor {symbol} and ceiling {symbol}',
  function (this: SpecWorld, caller: TeardownReport['caller'], floor: LayoutSymbol, ceiling: LayoutSymbol) {
    const r = teardownBy(this, caller);
    assert.deepEqual([hex64(r.floor), hex64(r.ceiling)], [symbolValue(this, floor), symbolValue(this, ceiling)]);
  },
);

Then(
  '{caller} ran with floor and ceiling = its own range',
  function (this: SpecWorld, caller: TeardownReport['caller']) {
    const r = teardownBy(this, caller);
    const geo = this.kernel.geo;
    assert.deepEqual([hex64(r.floor), hex64(r.ceiling)], [kvaHex(geo, r.start), kvaHex(geo, r.end)]);
  },
);

Then(
  '{caller} tore down {size} from {hex}',
  function (this: SpecWorld, caller: TeardownReport['caller'], size: number, start: bigint) {
    const r = teardownBy(this, caller);
    assert.deepEqual([kvaHex(this.kernel.geo, r.start), formatSize(r.end - r.start)], [hex64(start), formatSize(size)]);
  },
);

/** Pages given back by pass 1 of one teardown: frees of what its leaves mapped, within its range. */
function mappedPagesFreed(world: SpecWorld, r: TeardownReport): TraceEvent[] {
  return world
    .events()
    .filter((e) => e.op === 'free' && e.note !== 'table page' && (e.va ?? -1) >= r.start && (e.va ?? -1) < r.end);
}

/** The leaves one teardown cleared: one TLB invalidation each, within its range. */
function leavesCleared(world: SpecWorld, r: TeardownReport): TraceEvent[] {
  const leaves = world
    .events()
    .filter((e) => e.op === 'invalidate-tlb' && (e.va ?? -1) >= r.start && (e.va ?? -1) < r.end);
  assert.ok(leaves.length > 0, `${r.caller} cleared no leaf`);
  return leaves;
}

Then('{caller} gave back what its leaves mapped', function (this: SpecWorld, caller: TeardownReport['caller']) {
  const r = teardownBy(this, caller);
  assert.equal(mappedPagesFreed(this, r).length, leavesCleared(this, r).length);
});

Then('{caller} gave back nothing its leaves mapped', function (this: SpecWorld, caller: TeardownReport['caller']) {
  const r = teardownBy(this, caller);
  leavesCleared(this, r);
  assert.deepEqual(mappedPagesFreed(this, r), []);
});

/** The decision a caller made about the table of a level that holds the first address it tore down. */
function firstDecision(world: SpecWorld, caller: TeardownReport['caller'], level: LevelName): string {
  const r = teardownBy(world, caller);
  const span = levelNamed(world.kernel.geo, level)?.tableSpan;
  assert.ok(span, `${level} is folded on ${world.kernel.geo.name}`);
  const d = r.decisions.find((x) => x.level === level && x.va === Math.floor(r.start / span) * span);
  assert.ok(d, `${caller} did not visit a ${level} table`);
  return decisionText(d);
}

Then(
  'both callers decided about the {level} table holding their range: {decision}',
  function (this: SpecWorld, level: LevelName, expected: string) {
    const decided = (['vmemmap_free', '__remove_pgd_mapping'] as const).map((c) => firstDecision(this, c, level));
    assert.deepEqual(decided, [expected, expected]);
  },
);

Then(
  'about the {level} table holding its range vmemmap_free decided {decision}, and __remove_pgd_mapping {decision}',
  function (this: SpecWorld, level: LevelName, vmemmap: string, linear: string) {
    const decided = (['vmemmap_free', '__remove_pgd_mapping'] as const).map((c) => firstDecision(this, c, level));
    assert.deepEqual(decided, [vmemmap, linear]);
  },
);

Then('the teardowns ran in the order {string}', function (this: SpecWorld, order: string) {
  assert.equal(this.hotplug.lastTeardowns.map((r) => r.caller).join(', '), order);
});

// The order of operations, from the trace.

function eventRow(k: Kernel, e: TraceEvent): Record<string, string> {
  return {
    op: e.op,
    level: e.level ?? '',
    address: e.va === undefined ? '' : kvaHex(k.geo, e.va),
    note: e.note ?? '',
  };
}

Then('its first events are:', function (this: SpecWorld, table: DataTable) {
  const k = this.kernel;
  const expected = table.hashes();
  assert.deepEqual(
    this.events()
      .slice(0, expected.length)
      .map((e) => eventRow(k, e)),
    expected,
  );
});

/** Where pass 2 begins: its first table release (clear → invalidate-walk, or x86's free first). */
function pass2Start(events: readonly TraceEvent[]): number {
  const at = events.findIndex((e) => e.op === 'invalidate-walk' || (e.op === 'free' && e.note === 'table page'));
  if (at < 0) return events.length;
  return events[at]?.op === 'invalidate-walk' ? at - 1 : at;
}

function rowsOf(world: SpecWorld, events: readonly TraceEvent[], table: DataTable): void {
  assert.deepEqual(
    events.map((e) => eventRow(world.kernel, e)),
    table.hashes(),
  );
}

Then('pass 2 begins with these events:', function (this: SpecWorld, table: DataTable) {
  const events = this.events();
  const from = pass2Start(events);
  rowsOf(this, events.slice(from, from + table.hashes().length), table);
});

Then('its last events are:', function (this: SpecWorld, table: DataTable) {
  rowsOf(this, this.events().slice(-table.hashes().length), table);
});

/** Pass 1's events, grouped per leaf: the clear, then what followed it up to the next clear. */
function leafGroups(events: readonly TraceEvent[]): TraceEvent[][] {
  const groups: TraceEvent[][] = [];
  for (const e of events.slice(0, pass2Start(events))) {
    if (e.op === 'clear') groups.push([e]);
    else groups.at(-1)?.push(e);
  }
  return groups;
}

/** Checks that every leaf of pass 1 was cleared, then invalidated at its address, then (vmemmap) freed. */
function checkLeafOrder(world: SpecWorld, freed: boolean): void {
  const groups = leafGroups(world.events());
  assert.ok(groups.length > 0, 'pass 1 cleared nothing');
  for (const g of groups) {
    const va = g[0]?.va;
    const expected = [
      ['clear', va],
      ['invalidate-tlb', va],
    ];
    if (freed) expected.push(['free', va]);
    assert.deepEqual(
      g.map((e) => [e.op, e.va]),
      expected,
    );
  }
}

Then(
  'every leaf it cleared was invalidated at its address next, then what it mapped was freed',
  function (this: SpecWorld) {
    checkLeafOrder(this, true);
  },
);

Then(
  'every leaf it cleared was invalidated at its address next, and nothing it mapped was freed',
  function (this: SpecWorld) {
    checkLeafOrder(this, false);
  },
);

/** Positions in the trace of the events that free a table page. */
function tableFrees(events: readonly TraceEvent[]): number[] {
  return events.flatMap((e, i) => (e.op === 'free' && e.note === 'table page' ? [i] : []));
}

Then(
  'every table it freed was freed only after its parent entry was cleared and the walk cache invalidated',
  function (this: SpecWorld) {
    const events = this.events();
    const frees = tableFrees(events);
    assert.ok(frees.length > 0, 'no table was freed');
    for (const i of frees) {
      const [clear, invalidate, free] = [events[i - 2], events[i - 1], events[i]];
      assert.deepEqual([clear?.op, invalidate?.op, invalidate?.va], ['clear', 'invalidate-walk', clear?.va]);
      assert.deepEqual(
        clear && parentEntryOf(this, free?.pfn ?? -1),
        { pfn: clear?.pfn, index: clear?.index },
        'the entry cleared is not the one that pointed at the freed table',
      );
    }
  },
);

/** The entry that pointed at a table page before the last change: its parent table page and index. */
function parentEntryOf(world: SpecWorld, pfn: number): { pfn: number; index: number } | undefined {
  const child = world.last.tables.get(pfn);
  assert.ok(child, `the freed page ${pfn} was not a table reachable before the change`);
  const above = world.kernel.geo.levels[child.level.depth - 1];
  assert.ok(above, 'the PGD was freed');
  const parent = [...world.last.tables.values()].find(
    (n) => n.level === above && n.va <= child.va && child.va < n.va + above.tableSpan,
  );
  return parent && { pfn: parent.pfn, index: (child.va - parent.va) / above.entrySize };
}

Then(
  'every table it freed was freed before its parent entry was cleared, and the next invalidation after it flushed the whole TLB',
  function (this: SpecWorld) {
    const events = this.events();
    const frees = tableFrees(events);
    assert.ok(frees.length > 0, 'no table was freed');
    const levels = this.kernel.geo.levels;
    for (const i of frees) {
      const parent = levels[levels.findIndex((l) => l.name === events[i]?.level) - 1]?.name;
      assert.deepEqual([events[i + 1]?.op, events[i + 1]?.level], ['clear', parent]);
      assert.equal(events.slice(i + 1).find((e) => e.op.startsWith('invalidate'))?.op, 'invalidate-all');
    }
  },
);

// The walk cache.

Then(
  'at worst {int} cached walk(s) pointed at a freed table during the hot-remove, and {int} after it',
  function (this: SpecWorld, worst: number, after: number) {
    assert.deepEqual([this.hotplug.staleAtWorst, this.kernel.pt.tlb.staleWalks().length], [worst, after]);
  },
);
