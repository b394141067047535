// The story `npm start` tells: boot, hot-add, a vmalloc into the shared table, one hot-remove under
// every policy and the race verdicts, built as data (the text and HTML renderers only format it).
import { type Kva, kvaHex, physHex } from '../arch/address';
import type { LevelName } from '../arch/geometry';
import { type SharedTable, sharedTopEntry } from '../arch/sharing';
import { formatSize } from '../arch/size';
import { type Exploration, explore } from '../concurrency/explorer';
import { renderCounterexample } from '../concurrency/render';
import { type RaceState, vmallocTop } from '../concurrency/scenarios';
import { type RaceActors, raceScenario, walkerUseAfterFree } from '../concurrency/story';
import { archAddMemory } from '../hotplug/add';
import { brokenInvariants } from '../hotplug/invariants';
import { POLICIES } from '../hotplug/policy';
import { archRemoveMemory, sectionVmemmap, type TableDecision, type TeardownReport } from '../hotplug/remove';
import { strandedTables } from '../hotplug/worst-case';
import { Kernel } from '../mappings/kernel';
import { vmemmapLeafLevel } from '../mappings/vmemmap';
import { reachableTables } from '../tables/tree';
import { walk } from '../tables/walker';
import { layoutRows, renderLayoutTable } from './layout-text';
import { ptdump } from './ptdump';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

/** What the story runs, and why each value. */
export const STORY = {
  config: '4K/48',
  /** Boot memory kept small so the story runs in a second: boot memory is never removed, its size changes nothing below. */
  bootBase: 0x4000_0000,
  bootSize: 128 * MiB,
  /** One section beside boot memory's tables, one alone under a PGD entry of the linear map of its own. */
  sections: [0x2_0000_0000, 0x80_4000_0000],
  removed: 0x80_4000_0000,
} as const;

/** A table page the story names: its level, its page and the first address it maps. */
export interface NamedTable {
  readonly level: LevelName;
  readonly page: string;
  readonly va: string;
  /** swapper_pg_dir, bm_pud, … for a static table of the kernel image. */
  readonly name?: string;
}

export interface BootChapter {
  readonly memory: string;
  readonly pageMapped: boolean;
  readonly liveTables: Readonly<Record<string, number>>;
  readonly staticTables: readonly NamedTable[];
  /** The PUD table vmalloc and vmemmap share (4K/48: under PGD entry 507), and how many entries it holds. */
  readonly shared?: NamedTable & { readonly live: number; readonly span: string };
}

export interface AddedSection {
  readonly start: string;
  readonly linear: readonly [string, string];
  readonly vmemmap: readonly [string, string];
  /** PGD entry of its linear map. */
  readonly pgdEntry: number;
  /** The table pages holding its struct-page leaves: their level and how many. */
  readonly vmemmapTables: { readonly level: LevelName; readonly count: number };
}

export interface HotAddChapter {
  readonly sections: readonly AddedSection[];
  readonly tablesAllocated: Readonly<Record<string, number>>;
}

export interface VmallocChapter {
  readonly va: string;
  /** The entries the walk read, `PGD[507] → PUD[510] → …`. */
  readonly path: string;
  /** Tables the vmalloc installed, each under init_mm.page_table_lock. */
  readonly installed: readonly NamedTable[];
  /** Whether its walk went through the table shared with vmemmap. */
  readonly throughShared: boolean;
  readonly ptdump: readonly string[];
}

/** Tables a caller's pass 2 decided alike: same level, same outcome, same reason. */
export interface DecisionGroup {
  readonly level: LevelName;
  readonly freed: boolean;
  readonly reason: string;
  readonly count: number;
  /** First and last address mapped by the tables of the group. */
  readonly from: string;
  readonly to: string;
}

export interface CallerPart {
  readonly caller: TeardownReport['caller'];
  readonly start: string;
  readonly end: string;
  readonly floor: string;
  readonly ceiling: string;
  readonly groups: readonly DecisionGroup[];
}

export interface Removal {
  readonly policy: string;
  readonly summary: string;
  readonly parts: readonly CallerPart[];
  readonly freed: Readonly<Record<string, number>>;
  readonly kept: Readonly<Record<string, number>>;
  /** Kept tables that map nothing any more. */
  readonly leftBehind: readonly NamedTable[];
  readonly broken: readonly string[];
}

/** The races the story explores: vmalloc against the shared table, a CPU's cached walk, ptdump. */
export type RaceKind = 'vmalloc' | 'vmalloc-real' | 'cached-walk' | 'ptdump';

export interface RaceRun {
  readonly kind: RaceKind;
  /** The freeing policy of the hot-remove side. */
  readonly policy: string;
  /** The variant explored, in words (`constructed state`, `without mem_hotplug_lock`, …). */
  readonly variant: string;
  /**
   * Whether this is how v5.7 itself runs: the merged policy, and ptdump's debugfs dump taking the lock.
   * v5.7's W+X check walks without it, but runs once, late in boot, before user space can offline memory.
   */
  readonly merged: boolean;
  readonly scenario: string;
  /** Executions run, complete or cut short by sleep sets. */
  readonly schedules: number;
  readonly millis: number;
  /** The violation of the shortest counterexample, if any. */
  readonly violation?: string;
  /** That counterexample, step by step, ending with the violation. */
  readonly steps: readonly string[];
  /**
   * For a walker's use-after-free, the four steps that make it (takes the pointer, the parent entry is
   * cleared, the table freed, the walker reads it), numbered as in the counterexample.
   */
  readonly essential: readonly string[];
}

export interface Story {
  readonly config: string;
  /** The layout as memory.rst tabulates it, and where vmalloc and vmemmap meet. */
  readonly layout: { readonly rows: readonly string[]; readonly sharing: string };
  readonly boot: BootChapter;
  readonly hotAdd: HotAddChapter;
  readonly vmalloc: VmallocChapter;
  readonly removed: { readonly start: string; readonly size: string; readonly ptdumpBefore: readonly string[] };
  readonly removals: readonly Removal[];
  readonly races: readonly RaceRun[];
  /** What went wrong for the merged policy (v5.7): empty when the story ends as the thread says. */
  readonly problems: readonly string[];
}

/** Which exploration is running, for a progress line. */
export interface Progress {
  readonly index: number;
  readonly total: number;
  readonly scenario: string;
}

export interface StoryOptions {
  readonly onProgress?: (p: Progress) => void;
  /** Also keep the states the pictures are drawn from. */
  readonly scenes?: boolean;
}

/** The model states behind the story's pictures. */
export interface StoryScenes {
  /** The vmalloc into the shared table: the tables before and after it, and its page. */
  readonly vmalloc: { readonly before: Kernel; readonly after: Kernel; readonly start: Kva; readonly end: Kva };
  /** Each policy's removal: the state before (the same for all), after, and the teardowns it ran. */
  readonly removals: readonly {
    readonly policy: string;
    readonly before: Kernel;
    readonly after: Kernel;
    readonly parts: readonly TeardownReport[];
  }[];
  readonly races: readonly { readonly run: RaceRun; readonly exploration: Exploration }[];
}

/** Runs the whole story; with `scenes`, keeps the states its pictures are drawn from. */
export function buildStory(options: StoryOptions = {}): { story: Story; scenes?: StoryScenes } {
  const k = new Kernel({ config: STORY.config, bootBase: STORY.bootBase, bootSize: STORY.bootSize });
  const boot = bootChapter(k);
  const hotAdd = hotAddChapter(k);
  const beforeVmalloc = options.scenes ? k.clone() : k;
  const [vmalloc, page] = vmallocChapter(k);
  const removed = Object.values(POLICIES).map((p) => removal(k.clone(), p.name));
  const races = raceRuns(options.onProgress);
  const removals = removed.map((r) => r.removal);
  const story: Story = {
    config: STORY.config,
    layout: layoutChapter(k),
    boot,
    hotAdd,
    vmalloc,
    removed: { start: physHex(STORY.removed), size: '1G', ptdumpBefore: sectionDump(k) },
    removals,
    races: races.map((r) => r.run),
    problems: problems(removals, races),
  };
  if (!options.scenes) return { story };
  const scenes: StoryScenes = {
    vmalloc: { before: beforeVmalloc, after: k, start: page, end: page + k.geo.pageSize },
    removals: removed.map((r) => ({ policy: r.removal.policy, before: k, after: r.after, parts: r.parts })),
    races,
  };
  return { story, scenes };
}

function layoutChapter(k: Kernel): Story['layout'] {
  const rows = lines(renderLayoutTable(layoutRows(k.layout)));
  const s = sharedTopEntry(k.layout);
  const table = s.tables[0];
  const sharing = s.shared
    ? `vmalloc's last byte and VMEMMAP_START both fall in PGD entry ${s.vmallocEntry}: the ${table?.level} table under it, mapping ${formatSize(table?.span ?? 0)} from ${kvaHex(k.geo, table?.start ?? 0)}, is walked by vmalloc and by vmemmap_free`
    : `vmalloc ends in PGD entry ${s.vmallocEntry}, vmemmap starts in ${s.vmemmapEntry}: no table is shared`;
  return { rows, sharing };
}

/** Live table pages per level, PGD first. */
function perLevel(k: Kernel, counts: readonly number[]): Record<string, number> {
  return Object.fromEntries(k.geo.levels.map((l, d) => [l.name, counts[d] ?? 0]));
}

function named(k: Kernel, pfn: number, level: LevelName, va: Kva): NamedTable {
  const name = k.pt.staticName(pfn, level);
  return { level, page: physHex(pfn * k.geo.pageSize), va: kvaHex(k.geo, va), ...(name ? { name } : {}) };
}

function bootChapter(k: Kernel): BootChapter {
  const statics = reachableTables(k.pt, 'story')
    .filter((n) => k.pt.staticTables.has(n.pfn))
    .map((n) => named(k, n.pfn, n.level.name, n.va));
  return {
    memory: `${formatSize(STORY.bootSize)} at ${physHex(STORY.bootBase)}`,
    pageMapped: k.rodataFull,
    liveTables: perLevel(k, k.mem.liveTables),
    staticTables: statics,
    shared: sharedTable(k, sharedTopEntry(k.layout).tables[0]),
  };
}

/** The shared table page as the boot left it: which page, and how many of its entries are in use. */
function sharedTable(k: Kernel, t: SharedTable | undefined): BootChapter['shared'] {
  if (!t) return undefined;
  const step = walk(k.pt, t.start, 'story').steps.find((s) => s.level.name === t.level);
  if (!step) return undefined;
  const words = k.pt.words(step.table, 'story');
  let live = 0;
  for (let i = 0; i < step.level.entries; i++) if ((words[2 * i] ?? 0) !== 0 || (words[2 * i + 1] ?? 0) !== 0) live++;
  return { ...named(k, step.table, t.level, t.start), live, span: formatSize(t.span) };
}

function hotAddChapter(k: Kernel): HotAddChapter {
  const before = [...k.mem.liveTables];
  const leaf = vmemmapLeafLevel(k);
  const sections = STORY.sections.map((pa) => {
    archAddMemory(k, pa, GiB);
    const [vs, ve] = sectionVmemmap(k, k.sectionOf(pa));
    const lin = k.linearVa(pa);
    return {
      start: physHex(pa),
      linear: [kvaHex(k.geo, lin), kvaHex(k.geo, lin + GiB)] as const,
      vmemmap: [kvaHex(k.geo, vs), kvaHex(k.geo, ve)] as const,
      pgdEntry: Math.floor(lin / (k.geo.levels[0]?.entrySize ?? 1)),
      vmemmapTables: {
        level: leaf.name,
        count: Math.floor((ve - 1) / leaf.tableSpan) - Math.floor(vs / leaf.tableSpan) + 1,
      },
    };
  });
  return {
    sections,
    tablesAllocated: perLevel(
      k,
      k.mem.liveTables.map((n, d) => n - (before[d] ?? 0)),
    ),
  };
}

function vmallocChapter(k: Kernel): [VmallocChapter, Kva] {
  const mark = k.pt.trace.mark();
  const area = k.vmalloc.vmalloc(k.geo.pageSize, 'vmalloc', vmallocTop(k));
  const steps = walk(k.pt, area.start, 'story').steps;
  const installed = k.pt.trace
    .since(mark)
    .filter((e) => e.op === 'install')
    .flatMap((e) => {
      const at = steps.findIndex((s) => s.level.name === e.level);
      const parent = steps[at];
      const child = steps[at + 1];
      if (!parent || !child) return [];
      const span = parent.level.entrySize;
      return [named(k, child.table, child.level.name, Math.floor(area.start / span) * span)];
    });
  const shared = sharedTopEntry(k.layout).tables[0];
  const chapter = {
    va: kvaHex(k.geo, area.start),
    path: steps.map((s) => `${s.level.name}[${s.index}]`).join(' → '),
    installed,
    throughShared: shared !== undefined && area.start >= shared.start && area.start < shared.start + shared.span,
    ptdump: lines(ptdump(k, { range: { start: k.layout.vmallocEnd - 2 * MiB, end: k.layout.vmemmapStart + 2 * MiB } })),
  };
  return [chapter, area.start];
}

const lines = (text: string): string[] => text.trimEnd().split('\n');

/** The removed section's linear map and struct pages in ptdump format. */
function sectionDump(k: Kernel): string[] {
  const lin = k.linearVa(STORY.removed);
  const [vs, ve] = sectionVmemmap(k, k.sectionOf(STORY.removed));
  return [
    ...lines(ptdump(k, { range: { start: lin, end: lin + GiB } })),
    ...lines(ptdump(k, { range: { start: vs, end: ve } })),
  ];
}

/** One policy's removal on its own copy of the state: the story's account, the state after, the teardowns. */
function removal(k: Kernel, policy: string): { removal: Removal; after: Kernel; parts: readonly TeardownReport[] } {
  k.pt.trace.recording = false;
  const p = POLICIES[policy];
  const report = archRemoveMemory(k, STORY.removed, GiB, { policy: p });
  const all = report.parts.flatMap((part) => part.decisions);
  const count = (ds: readonly TableDecision[]) =>
    perLevel(
      k,
      k.geo.levels.map((l) => ds.filter((d) => d.level === l.name).length),
    );
  const account: Removal = {
    policy,
    summary: p?.summary ?? '',
    parts: report.parts.map((part) => callerPart(k, part)),
    freed: count(all.filter((d) => d.freed)),
    kept: count(all.filter((d) => !d.freed)),
    leftBehind: strandedTables(k, report.parts).map((d) => named(k, d.pfn, d.level, d.va)),
    broken: brokenInvariants(k),
  };
  return { removal: account, after: k, parts: report.parts };
}

function callerPart(k: Kernel, part: TeardownReport): CallerPart {
  const groups: DecisionGroup[] = [];
  for (const d of part.decisions) {
    const reason = d.freed ? '' : reasonOf(d);
    const last = groups.find((g) => g.level === d.level && g.freed === d.freed && g.reason === reason);
    const at = kvaHex(k.geo, d.va);
    if (last) Object.assign(last, { count: last.count + 1, to: at });
    else groups.push({ level: d.level, freed: d.freed, reason, count: 1, from: at, to: at });
  }
  return {
    caller: part.caller,
    start: kvaHex(k.geo, part.start),
    end: kvaHex(k.geo, part.end),
    floor: `0x${part.floor.toString(16).padStart(16, '0')}`,
    ceiling: `0x${part.ceiling.toString(16).padStart(16, '0')}`,
    groups,
  };
}

function reasonOf(d: TableDecision): string {
  if (d.verdict) return `${d.reason}: ${d.verdict}`;
  if (d.live !== undefined) return `${d.reason} (${d.live} live)`;
  return d.reason;
}

interface RaceSpec {
  readonly kind: RaceKind;
  /** Who races hot-remove, in the race catalogue's words (src/concurrency/story.ts). */
  readonly actors: RaceActors;
  readonly policy: string;
  readonly state: RaceState;
  readonly variant: string;
}

/** The small races of the catalogue the story explores, each in full. */
function raceSpecs(): RaceSpec[] {
  const policies = Object.keys(POLICIES);
  const all = (kind: RaceKind, actors: RaceActors, state: RaceState, variant: string): RaceSpec[] =>
    policies.map((policy) => ({ kind, actors, policy, state, variant }));
  return [
    ...all('vmalloc', 'vmalloc', 'constructed', 'constructed state'),
    { kind: 'vmalloc-real', actors: 'vmalloc', policy: 'empty-only', state: 'real', variant: 'real boot state' },
    ...all('cached-walk', 'cpu', 'real', 'walk cache warm'),
    { kind: 'ptdump', actors: 'check-wx', policy: 'v5.7', state: 'real', variant: 'ptdump_check_wx, no lock' },
    { kind: 'ptdump', actors: 'ptdump', policy: 'v5.7', state: 'real', variant: 'ptdump, mem_hotplug_lock' },
  ];
}

function raceRuns(onProgress: StoryOptions['onProgress']): { run: RaceRun; exploration: Exploration }[] {
  const specs = raceSpecs();
  return specs.map((spec, index) => {
    const scenario = raceScenario(spec.actors, STORY.config, spec.policy, spec.state);
    onProgress?.({ index, total: specs.length, scenario: `${scenario.name}, policy ${spec.policy}` });
    const exploration = explore(scenario);
    const c = exploration.counterexample;
    const run: RaceRun = {
      kind: spec.kind,
      policy: spec.policy,
      variant: spec.variant,
      merged: spec.policy === 'v5.7' && spec.actors !== 'check-wx',
      scenario: scenario.name,
      schedules: exploration.schedules + exploration.sleepBlocked,
      millis: Math.round(exploration.millis),
      ...(c ? { violation: `${c.violation.kind}: ${c.violation.detail}` } : {}),
      steps: renderCounterexample(exploration),
      essential: c ? walkerUseAfterFree(c).map(({ n, step }) => `${n}. ${step.text}`) : [],
    };
    return { run, exploration };
  });
}

/** What contradicts the thread's conclusion for v5.7 as merged: a table left behind, a broken invariant, a race. */
function problems(removals: readonly Removal[], races: readonly { readonly run: RaceRun }[]): string[] {
  const merged = removals.find((r) => r.policy === 'v5.7');
  return [
    ...(merged?.leftBehind.length ? [`v5.7 left ${merged.leftBehind.length} tables behind`] : []),
    ...(merged?.broken ?? []).map((b) => `v5.7 broke an invariant: ${b}`),
    ...races.filter(({ run }) => run.merged && run.violation).map(({ run }) => `${run.scenario}: ${run.violation}`),
  ];
}
