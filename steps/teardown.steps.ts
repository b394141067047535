import assert from 'node:assert/strict';
import { type DataTable, defineParameterType, Then, When } from '@cucumber/cucumber';
import { hex64, kvaHex } from '../src/arch/address';
import { type LevelName, levelNamed } from '../src/arch/geometry';
import { formatSize } from '../src/arch/size';
import type { LayoutSymbol } from '../src/arch/symbols';
import { layoutSymbols } from '../src/arch/symbols';
import { type FreeingPolicy, policyNamed } from '../src/hotplug/policy';
import { pgtableRangeAligned } from '../src/hotplug/range-aligned';
import { removePgdMapping, type TableDecision, type TeardownReport, vmemmapFree } from '../src/hotplug/remove';
import { leftBehindBound, strandedTables, worstCase } from '../src/hotplug/worst-case';
import type { Kernel } from '../src/mappings/kernel';
import { runToEnd, type Steps } from '../src/tables/step';
import type { TraceEvent } from '../src/tables/trace';
import type { SpecWorld } from './support/world';

// The two-pass teardown: pgtable_range_aligned, the tables free_empty_tables frees or keeps and why,
// floor and ceiling per caller, the order of clear / invalidate / free, and what stays behind.

const REASONS = [
  'outside floor/ceiling \\((?:below-floor|beyond-ceiling|ceiling-rounds-to-zero)\\)',
  'entries left(?: \\(\\d+ live\\))?',
  'static \\(kernel image\\)',
  'reserved \\(boot\\)',
  'policy leaves tables',
  'vmemmap shares a PGD entry with vmalloc',
];

/** Why a table was kept, as `decisionText` writes it, e.g. `outside floor/ceiling (below-floor)`. */
defineParameterType({ name: 'reason', regexp: new RegExp(REASONS.join('|')), transformer: (text: string) => text });

/** The two callers of the two-pass teardown. */
defineParameterType({
  name: 'caller',
  regexp: /vmemmap_free|__remove_pgd_mapping/,
  transformer: (text: string) => text as TeardownReport['caller'],
});

/** A verdict of pgtable_range_aligned. */
defineParameterType({
  name: 'verdict',
  regexp: /eligible|below-floor|ceiling-rounds-to-zero|beyond-ceiling/,
  transformer: (text: string) => text,
});

/** Why a table was kept, with the failing test of pgtable_range_aligned when that was the reason. */
export function decisionText(d: TableDecision): string {
  if (d.freed) return 'freed';
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

// pgtable_range_aligned on its own.

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

Then('pass 2 did not visit the {level} table at {hex}', function (this: SpecWorld, level: LevelName, va: bigint) {
  const span = levelNamed(this.kernel.geo, level)?.tableSpan ?? 0;
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
    assert.deepEqual([this.kernel.geo.levelCount, leftBehindBound(this.kernel.geo)], [levels, bound]);
  },
);

Then('every table left behind straddles the floor or the ceiling, half of them each', function (this: SpecWorld) {
  const left = strandedTables(this.kernel, this.hotplug.lastTeardowns);
  const below = left.filter((d) => d.verdict === 'below-floor').length;
  const beyond = left.filter((d) => d.verdict === 'beyond-ceiling').length;
  assert.deepEqual([below, beyond], [left.length / 2, left.length / 2]);
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
  '{caller} ran with floor {hex} and ceiling {hex}',
  function (this: SpecWorld, caller: TeardownReport['caller'], floor: bigint, ceiling: bigint) {
    const r = teardownBy(this, caller);
    assert.deepEqual([hex64(r.floor), hex64(r.ceiling)], [hex64(floor), hex64(ceiling)]);
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

Then('{caller} gave back what its leaves mapped', function (this: SpecWorld, caller: TeardownReport['caller']) {
  const r = teardownBy(this, caller);
  const leaves = this.events().filter(
    (e) => e.op === 'invalidate-tlb' && (e.va ?? -1) >= r.start && (e.va ?? -1) < r.end,
  );
  assert.ok(leaves.length > 0, `${caller} cleared no leaf`);
  assert.equal(mappedPagesFreed(this, r).length, leaves.length);
});

Then('{caller} gave back nothing its leaves mapped', function (this: SpecWorld, caller: TeardownReport['caller']) {
  assert.deepEqual(mappedPagesFreed(this, teardownBy(this, caller)), []);
});

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
      const [clear, invalidate] = [events[i - 2], events[i - 1]];
      assert.deepEqual([clear?.op, invalidate?.op, invalidate?.va], ['clear', 'invalidate-walk', clear?.va]);
    }
  },
);

Then(
  'every table it freed was freed before its parent entry was cleared, with no walk invalidation until one invalidate-all at the end',
  function (this: SpecWorld) {
    const events = this.events();
    const frees = tableFrees(events);
    assert.ok(frees.length > 0, 'no table was freed');
    for (const i of frees) assert.equal(events[i + 1]?.op, 'clear');
    const pass2 = events.slice(pass2Start(events));
    assert.deepEqual(
      pass2.filter((e) => e.op.startsWith('invalidate')).map((e) => e.op),
      ['invalidate-all'],
    );
    assert.equal(pass2.at(-1)?.op, 'invalidate-all');
  },
);

// The walk cache.

Then(
  'at worst {int} cached walk(s) pointed at a freed table during the removal, and {int} after it',
  function (this: SpecWorld, worst: number, after: number) {
    assert.deepEqual([this.hotplug.staleAtWorst, this.kernel.pt.tlb.staleWalks().length], [worst, after]);
  },
);
