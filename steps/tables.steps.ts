import assert from 'node:assert/strict';
import { type DataTable, Then, When } from '@cucumber/cucumber';
import { type Kva, kvaHex, physHex } from '../src/arch/address';
import { DescType, HI_CONT } from '../src/arch/descriptor';
import { type LevelName, levelNamed } from '../src/arch/geometry';
import { type RegionKey, regionOf } from '../src/arch/layout';
import type { Kernel } from '../src/mappings/kernel';
import { snapshot } from '../src/mappings/snapshot';
import { ptdumpLines, ptdumpRuns } from '../src/present/ptdump';
import { leavesBelow, reachableTables, type TableNode } from '../src/tables/tree';
import { type Walk, walk } from '../src/tables/walker';
import { countsText } from './support/counts';
import type { SpecWorld } from './support/world';

// Page tables as a reader sees them: walks, leaves over a range, tables allocated, live counts.

function walkPath(w: Walk): string {
  return w.steps.map((s) => `${s.level.name}[${s.index}]`).join(' → ');
}

function describeWalk(world: SpecWorld, w: Walk): string {
  const geo = world.kernel.geo;
  const lines = w.steps.map((s) => {
    const entry = `0x${s.hi.toString(16).padStart(8, '0')}${s.lo.toString(16).padStart(8, '0')}`;
    const table = `${world.tableName({ pfn: s.table, level: s.level })} at ${physHex(s.table * geo.pageSize)}`;
    return `  ${`${s.level.name}[${s.index}]`.padEnd(10)} of ${table.padEnd(34)} = ${entry}  ${s.type}`;
  });
  const end =
    w.pa === undefined
      ? `faults: the ${w.stoppedAt.name} entry is ${w.fault}`
      : `→ ${physHex(w.pa)} (${w.stoppedAt.name} ${w.steps.at(-1)?.type})`;
  return [`walk of ${kvaHex(geo, w.kva)} (${geo.name}):`, ...lines, `  ${end}`].join('\n');
}

/** A walk of a 64-bit address in the scenario's kernel. */
function walkOf(world: SpecWorld, va: bigint): Walk {
  return walk(world.kernel.pt, world.kva(va));
}

/** Every leaf intersecting [start, start + size): counts by level and kind, and whether each has CONT. */
function leavesIn(world: SpecWorld, start: Kva, size: number): { counts: Map<string, number>; cont: boolean[] } {
  const counts = new Map<string, number>();
  const cont: boolean[] = [];
  for (let addr = start; addr < start + size; ) {
    const w = walk(world.kernel.pt, addr);
    const last = w.steps.at(-1);
    const key = w.pa === undefined ? `${w.stoppedAt.name} none` : `${w.stoppedAt.name} ${last?.type}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (w.pa !== undefined) cont.push(((last?.hi ?? 0) & HI_CONT) !== 0);
    addr = (Math.floor(addr / w.stoppedAt.entrySize) + 1) * w.stoppedAt.entrySize;
  }
  return { counts, cont };
}

When('the address {hex} is translated', function (this: SpecWorld, va: bigint) {
  this.walked = walkOf(this, va);
  this.attach(describeWalk(this, this.walked), 'text/plain');
});

function theWalk(world: SpecWorld): Walk {
  if (!world.walked) throw new Error('no address has been translated (When the address … is translated)');
  return world.walked;
}

Then('it translates to the physical address {hex}', function (this: SpecWorld, pa: bigint) {
  const w = theWalk(this);
  assert.ok(w.pa !== undefined, `the walk faulted at the ${w.stoppedAt.name} entry`);
  assert.equal(physHex(w.pa), physHex(Number(pa)));
});

Then('the translation faults at the {level} entry', function (this: SpecWorld, level: LevelName) {
  const w = theWalk(this);
  assert.equal(w.pa, undefined, `the walk reached ${w.pa === undefined ? '' : physHex(w.pa)}`);
  assert.equal(w.fault, 'none');
  assert.equal(w.stoppedAt.name, level);
});

Then('the walk reads {walkPath}', function (this: SpecWorld, expected: string) {
  assert.equal(walkPath(theWalk(this)), expected);
});

Then('every table the walk read is a live table reachable at its level', function (this: SpecWorld) {
  const reachable = new Map(reachableTables(this.kernel.pt).map((n) => [n.pfn, n.level.name]));
  for (const s of theWalk(this).steps) {
    assert.ok(this.kernel.mem.isLiveTable(s.table), `table page ${physHex(s.table)} is not live`);
    assert.equal(reachable.get(s.table), s.level.name);
  }
});

Then('the leaf for {hex} is a {level} {word}', function (this: SpecWorld, va: bigint, level: LevelName, kind: string) {
  const w = walkOf(this, va);
  assert.ok([DescType.Block, DescType.Page].includes(kind as DescType), `a leaf is a block or a page, not ${kind}`);
  assert.equal(`${w.stoppedAt.name} ${w.steps.at(-1)?.type}`, `${level} ${kind}`);
});

Then('the contiguous bit of the leaf for {hex} is {word}', function (this: SpecWorld, va: bigint, state: string) {
  const w = walkOf(this, va);
  assert.ok(w.pa !== undefined, `${kvaHex(this.kernel.geo, w.kva)} is not mapped`);
  assert.equal(((w.steps.at(-1)?.hi ?? 0) & HI_CONT) !== 0 ? 'set' : 'clear', state);
});

Then('the address {hex} is mapped', function (this: SpecWorld, va: bigint) {
  const w = walkOf(this, va);
  assert.ok(w.pa !== undefined, describeWalk(this, w));
});

Then('the address {hex} is not mapped', function (this: SpecWorld, va: bigint) {
  const w = walkOf(this, va);
  assert.equal(w.pa, undefined, describeWalk(this, w));
});

Then('{size} from {hex} is mapped by {leaves}', function (this: SpecWorld, size: number, va: bigint, leaves: string) {
  const { counts } = leavesIn(this, this.kva(va), size);
  assert.equal(countsText(counts), leaves);
});

Then(
  'every leaf of {size} from {hex} has the contiguous bit {word}',
  function (this: SpecWorld, size: number, va: bigint, state: string) {
    const { cont } = leavesIn(this, this.kva(va), size);
    assert.ok(cont.length > 0, 'nothing is mapped there');
    assert.deepEqual(new Set(cont.map((c) => (c ? 'set' : 'clear'))), new Set([state]));
  },
);

Then(
  'ptdump shows {size} from {hex} as one {level} line with {string}',
  function (this: SpecWorld, size: number, va: bigint, level: LevelName, attributes: string) {
    const start = this.kva(va);
    const runs = ptdumpRuns(ptdumpLines(this.kernel, { range: { start, end: start + size } }));
    const shown = runs.map((r) => `${kvaHex(this.kernel.geo, r.start)} ${r.end - r.start} ${r.level}${r.attrs}`);
    this.attach(shown.join('\n'), 'text/plain');
    assert.equal(runs.length, 1, `one line expected:\n${shown.join('\n')}`);
    const [run] = runs;
    assert.deepEqual([run?.start, run?.end, run?.level], [start, start + size, level]);
    assert.equal(run?.attrs.trim().split(/ +/).join(' '), attributes);
  },
);

Then('the tables allocated are {tableCounts}', function (this: SpecWorld, expected: string) {
  const counts = new Map<string, number>();
  for (const n of this.tablesAllocated()) counts.set(n.level.name, (counts.get(n.level.name) ?? 0) + 1);
  assert.equal(countsText(counts), expected);
});

Then('the tables allocated are:', function (this: SpecWorld, table: DataTable) {
  const geo = this.kernel.geo;
  const actual = this.tablesAllocated().map((n) => [n.level.name, kvaHex(geo, n.va)]);
  assert.deepEqual(actual, table.rows());
});

Then('no table page was freed', function (this: SpecWorld) {
  assert.deepEqual(
    this.tablesGone().map((n) => this.describeTable(n)),
    [],
  );
  assert.deepEqual(
    this.events().filter((e) => e.op === 'free' && e.note === 'table page'),
    [],
  );
});

function liveCounts(world: SpecWorld): string {
  const k = world.kernel;
  return countsText(new Map(k.geo.levels.map((l, d) => [l.name, k.mem.liveTables[d] ?? 0])));
}

Then('the live tables per level are {tableCounts}', function (this: SpecWorld, expected: string) {
  assert.equal(liveCounts(this), expected);
});

/** How the manual names where a leaf lies: the kernel image, or the region of the layout. */
const PLACE_NAMES: Readonly<Record<RegionKey, string>> = {
  linear: 'linear map',
  kasan: 'KASAN shadow',
  'bpf-jit': 'BPF JIT',
  modules: 'modules',
  vmalloc: 'vmalloc',
  fixmap: 'fixmap',
  'pci-io': 'PCI I/O',
  vmemmap: 'vmemmap',
};

/** Where the leaves below a table page lie, in address order without repeats: `image and vmalloc`. */
function placesBelow(k: Kernel, node: TableNode): string[] {
  const places = new Set<string>();
  for (const at of leavesBelow(k.pt, node.pfn, node.level.depth, node.va, 'spec')) {
    const region = regionOf(k.layout, at);
    const inImage = at >= k.image.va && at < k.image.va + k.image.size;
    places.add(inImage ? 'image' : region ? PLACE_NAMES[region.key] : 'no region');
  }
  return [...places];
}

/** What a table page is made of: a static table by its symbol (and what lies below it), any other by what lies below it. */
function madeOf(world: SpecWorld, node: TableNode): string {
  const k = world.kernel;
  const places = placesBelow(k, node).join(' and ') || 'empty';
  const name = k.pt.staticName(node.pfn, node.level.name);
  if (!name) return places;
  return node.level.depth === 0 ? name : `${name} (${places})`;
}

/** The tables of one level as the manual lists them: in address order, runs of alike tables as `×n`. */
function madeOfLevel(world: SpecWorld, level: LevelName): string {
  const runs: { text: string; n: number }[] = [];
  for (const node of reachableTables(world.kernel.pt).filter((n) => n.level.name === level)) {
    const text = madeOf(world, node);
    const last = runs.at(-1);
    if (last?.text === text) last.n++;
    else runs.push({ text, n: 1 });
  }
  return runs.map((r) => (r.n > 1 ? `${r.text} ×${r.n}` : r.text)).join(', ');
}

Then('the table pages at each level are:', function (this: SpecWorld, table: DataTable) {
  const rows = table.hashes();
  const actual = rows.map((row) => ({
    level: row.level ?? '',
    tables: String(this.kernel.mem.liveTables[levelNamed(this.kernel.geo, row.level as LevelName)?.depth ?? -1]),
    'made of': madeOfLevel(this, row.level as LevelName),
  }));
  this.attach(actual.map((r) => `${r.level}: ${r.tables} — ${r['made of']}`).join('\n'), 'text/plain');
  assert.equal(liveCounts(this), rows.map((row) => `${row.tables} ${row.level}`).join(', '));
  assert.deepEqual(actual, rows);
});

Then('the live table counts agree with the tables reachable from swapper_pg_dir', function (this: SpecWorld) {
  const k = this.kernel;
  const reachable = k.geo.levels.map(() => 0);
  for (const n of reachableTables(k.pt)) reachable[n.level.depth] = (reachable[n.level.depth] ?? 0) + 1;
  this.attach(
    k.geo.levels.map((l, d) => `${l.name}: ${k.mem.liveTables[d]} live, ${reachable[d]} reachable`).join('\n'),
    'text/plain',
  );
  assert.deepEqual([...k.mem.liveTables], reachable);
});

Then('the request is refused with a(n) {word}', function (this: SpecWorld, name: string) {
  assert.ok(this.error instanceof Error, 'the request was not refused');
  assert.equal(this.error.name, name, this.error.message);
  this.unexamined = false;
});

Then('the kernel state is unchanged', function (this: SpecWorld) {
  assert.equal(snapshot(this.kernel), this.last.fingerprint, 'the kernel state changed');
  assert.deepEqual(this.tablesAllocated(), []);
});
