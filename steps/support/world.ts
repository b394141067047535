import { After, setWorldConstructor, World } from '@cucumber/cucumber';
import { type Kva, kvaHex, physHex, toKva } from '../../src/arch/address';
import type { Geometry } from '../../src/arch/geometry';
import { type Layout, layout } from '../../src/arch/layout';
import { formatSize } from '../../src/arch/size';
import { ModelError } from '../../src/errors';
import type { AddReport } from '../../src/hotplug/add';
import type { RangeVerdict } from '../../src/hotplug/range-aligned';
import type { TableDecision, TeardownReport } from '../../src/hotplug/remove';
import type { WorstCase } from '../../src/hotplug/worst-case';
import { checkKernelOptions, Kernel, type KernelOptions } from '../../src/mappings/kernel';
import { snapshot } from '../../src/mappings/snapshot';
import type { VmArea } from '../../src/mappings/vmalloc';
import type { Step, Steps } from '../../src/tables/step';
import type { TraceEvent } from '../../src/tables/trace';
import { reachableTables, type TableNode } from '../../src/tables/tree';
import type { Walk } from '../../src/tables/walker';
import { attachChangePictures, recordsBefore } from './pictures';

/**
 * Booted kernels shared by scenarios that only read them: a scenario that changes its kernel first
 * takes a private copy of it (Kernel.clone, copy on write; see `change`).
 */
const shared = new Map<string, { kernel: Kernel; mark: number; alloc: string }>();

/** What the hot-add and hot-remove steps did in a scenario (steps/hotplug.steps.ts, steps/teardown.steps.ts). */
export interface HotplugRecord {
  /** tablesFingerprint before the scenario's first hot-add. */
  tablesBeforeAdd?: string;
  added?: AddReport;
  /** The two-pass teardowns (vmemmap_free, __remove_pgd_mapping) of the last removal step, in order. */
  lastTeardowns: TeardownReport[];
  /** Pages of vmemmap backing the page allocator had handed out before the last removal. */
  vmemmapInUseBefore?: number;
  /** Most stale walk-cache entries seen at any step of the last step-wise removal. */
  staleAtWorst?: number;
  /** Tables the last removal step kept that map nothing (see strandedTables). */
  leftBehind?: readonly TableDecision[];
  /** Table pages each hot-add step of the scenario allocated, in order. */
  readonly allocatedByAdds: number[];
  worst?: WorstCase;
  verdict?: RangeVerdict;
}

/** What the kernel looked like before the last change a step made. */
interface Baseline {
  readonly fingerprint: string;
  readonly tables: ReadonlyMap<number, TableNode>;
  readonly mark: number;
}

/** State shared by the steps of one scenario. */
export class SpecWorld extends World {
  geo?: Geometry;
  kasan = false;
  /** The last error a step caught, for "Then it is refused …" steps. */
  error?: unknown;
  /** A refusal caught by `change` that no Then step has looked at yet (fails the scenario in After). */
  unexamined = false;
  private booted?: Kernel;
  private bootOptions?: KernelOptions;
  private isShared = false;
  /** The state before the last change (Given a kernel … counts as none). */
  before?: Baseline;
  /** The events of the last change as `events()` last built them, from its mark to the trace's end then. */
  private read?: { readonly mark: number; readonly end: number; readonly events: TraceEvent[] };
  /** The last walk a When step made. */
  walked?: Walk;
  /** The vmalloc area the last vmalloc step created. */
  area?: VmArea;
  /** Steps taken by step-wise operations, in order, as the actors announced them. */
  readonly stepsTaken: Step[] = [];
  readonly hotplug: HotplugRecord = { lastTeardowns: [], allocatedByAdds: [] };
  /** Step-wise operations paused part-way, by actor. */
  readonly paused = new Map<string, Steps<VmArea>>();

  /** The configuration the scenario set; a step that needs one fails clearly without it. */
  get config(): Geometry {
    if (!this.geo) throw new Error('the scenario has not chosen a configuration (Given the configuration …)');
    return this.geo;
  }

  get layout(): Layout {
    return this.booted ? this.booted.layout : layout(this.config, { kasan: this.kasan });
  }

  /** The booted kernel (Given a kernel booted …). Steps that change it must go through `change`. */
  get kernel(): Kernel {
    if (!this.booted) throw new Error('the scenario has not booted a kernel (Given a kernel booted with …)');
    return this.booted;
  }

  /** The kernel VA of a 64-bit address in this scenario's configuration. */
  kva(va: bigint): Kva {
    return toKva(this.config, va);
  }

  /** Boots a kernel (shared with other scenarios until this one changes it). */
  boot(options: KernelOptions): void {
    const key = JSON.stringify(options);
    let entry = shared.get(key);
    if (!entry) {
      // The boot's own events are never read (a change's events start at its mark): the boot only
      // counts them, and the kernel records from then on if the options ask for it. The size limits
      // are those of the options' trace setting all the same.
      checkKernelOptions(options);
      const kernel = new Kernel({ ...options, trace: false });
      kernel.pt.trace.recording = options.trace ?? true;
      entry = { kernel, mark: kernel.pt.trace.mark(), alloc: kernel.alloc.fingerprint() };
      shared.set(key, entry);
    }
    this.booted = entry.kernel;
    this.bootOptions = options;
    this.isShared = true;
    this.geo = entry.kernel.geo;
    this.kasan = options.kasan ?? false;
  }

  /**
   * Runs a change of the kernel: remembers the state before, keeps a typed refusal for the Then steps
   * (anything else fails the step), and attaches what changed: a text report and the pictures.
   */
  change(action: (k: Kernel) => void): void {
    const k = this.ownKernel();
    const records = recordsBefore(this);
    this.before = {
      fingerprint: snapshot(k),
      tables: new Map(reachableTables(k.pt).map((n) => [n.pfn, n])),
      mark: k.pt.trace.mark(),
    };
    this.error = undefined;
    try {
      action(k);
    } catch (error) {
      if (!(error instanceof ModelError)) throw error;
      this.error = error;
      this.unexamined = true;
    }
    this.attach(this.changeReport(), 'text/plain');
    attachChangePictures(this, records);
  }

  /** The kernel this scenario may change: a private copy replaces a shared one. */
  private ownKernel(): Kernel {
    if (this.isShared) {
      this.booted = this.kernel.clone();
      this.isShared = false;
    }
    return this.kernel;
  }

  /** The state before the last change; a Then step about a change fails clearly without one. */
  get last(): Baseline {
    if (!this.before) throw new Error('no step of this scenario has changed the kernel yet');
    return this.before;
  }

  /** Table pages reachable now that were not before the last change. */
  tablesAllocated(): TableNode[] {
    return reachableTables(this.kernel.pt).filter((n) => !this.last.tables.has(n.pfn));
  }

  /** Table pages reachable before the last change that are not now. */
  tablesGone(): TableNode[] {
    const now = new Set(reachableTables(this.kernel.pt).map((n) => n.pfn));
    return [...this.last.tables.values()].filter((n) => !now.has(n.pfn));
  }

  /** Shows each trace event of the last change to `visit`, keeping none (see Trace.scan). */
  scanEvents(visit: (event: TraceEvent) => void): void {
    this.kernel.pt.trace.scan(this.last.mark, visit);
  }

  /** Trace events of the last change (built once: the Then steps of a hot-add read a million of them). */
  events(): TraceEvent[] {
    const { mark } = this.last;
    const end = this.kernel.pt.trace.mark();
    if (this.read?.mark !== mark || this.read.end !== end) {
      this.read = { mark, end, events: this.kernel.pt.trace.since(mark) };
    }
    return this.read.events;
  }

  /** A table page's name: the kernel image's static tables by their symbols, others by level. */
  tableName(node: Pick<TableNode, 'pfn' | 'level'>): string {
    return this.kernel.pt.staticName(node.pfn, node.level.name) ?? `${node.level.name} table`;
  }

  /** One line per table page: its level, the VAs it maps and its page. */
  describeTable(node: TableNode): string {
    const geo = this.kernel.geo;
    const end = kvaHex(geo, node.va + node.level.tableSpan);
    const span = formatSize(node.level.tableSpan);
    return `${this.tableName(node).padEnd(14)} maps ${kvaHex(geo, node.va)} – ${end} (${span})  page ${physHex(node.pfn * geo.pageSize)}`;
  }

  /** What the last change did: tables allocated and freed, entries written per level, the outcome. */
  changeReport(): string {
    const allocated = this.tablesAllocated();
    const gone = this.tablesGone();
    // Counted by operation, level and note (a hot-add of page-mapped memory writes a million PTEs),
    // and named once per kind, grouped by operation and then level.
    const byKind = new Map<string, Map<string | undefined, [string | undefined, number][]>>();
    for (const { op, level, note, count } of this.kernel.pt.trace.tally(this.last.mark)) {
      const byLevel = byKind.get(op) ?? new Map<string | undefined, [string | undefined, number][]>();
      byKind.set(op, byLevel);
      byLevel.set(level, [...(byLevel.get(level) ?? []), [note, count]]);
    }
    const counts = [...byKind].flatMap(([op, byLevel]) =>
      [...byLevel].flatMap(([level, byNote]) =>
        byNote.map(([note, n]): [string, number] => [`${op}${level ? ` ${level}` : ''}${note ? ` (${note})` : ''}`, n]),
      ),
    );
    return [
      `${this.kernel.geo.name}: ${this.error instanceof Error ? `refused — ${this.error.name}: ${this.error.message}` : 'done'}`,
      `tables allocated: ${allocated.length}`,
      ...allocated.map((n) => `  ${this.describeTable(n)}`),
      `tables no longer reachable: ${gone.length}`,
      ...gone.map((n) => `  ${this.describeTable(n)}`),
      'operations:',
      ...(counts.length ? counts.map(([op, n]) => `  ${op} × ${n}`) : ['  none']),
      `live tables per level: ${this.kernel.geo.levels.map((l, d) => `${this.kernel.mem.liveTables[d]} ${l.name}`).join(', ')}`,
    ].join('\n');
  }

  /** Whether a scenario left a shared booted kernel as it was booted (a step changed it outside `change`). */
  sharedKernelIntact(): boolean {
    if (!this.isShared || !this.booted) return true;
    const entry = shared.get(JSON.stringify(this.bootOptions));
    return (
      entry !== undefined &&
      entry.mark === this.booted.pt.trace.mark() &&
      entry.alloc === this.booted.alloc.fingerprint()
    );
  }
}

setWorldConstructor(SpecWorld);

After(function (this: SpecWorld) {
  if (!this.sharedKernelIntact()) {
    throw new Error('a step changed a shared booted kernel without SpecWorld.change (later scenarios would see it)');
  }
  if (this.unexamined) {
    throw new Error(`a change was refused and no step checked it: ${String(this.error)}`);
  }
});
