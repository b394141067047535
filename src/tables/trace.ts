import type { Kva } from '../arch/address';
import type { LevelName } from '../arch/geometry';

/** The shared-memory operations the model records, in the order they happen. */
export type EventOp =
  /** A page handed out by the allocator (for a table, vmemmap backing, or vmalloc). */
  | 'allocate'
  /** A table descriptor written into an empty parent entry (p*d_populate). */
  | 'install'
  /** A leaf written (set_pte, p*d_set_huge). */
  | 'write'
  /** An entry cleared (p*d_clear / pte_clear). */
  | 'clear'
  /** Last-level TLB invalidation by VA (flush_tlb_kernel_range, TLBI VAALE1IS). */
  | 'invalidate-tlb'
  /** Walk-cache invalidation by VA (__flush_tlb_kernel_pgtable, TLBI VAAE1IS). */
  | 'invalidate-walk'
  /** Invalidation of everything (flush_tlb_all). */
  | 'invalidate-all'
  /** A page given back (free_pages, or to the altmap). */
  | 'free';

export interface TraceEvent {
  readonly op: EventOp;
  readonly actor: string;
  /** The level of the entry or table concerned. */
  readonly level?: LevelName;
  readonly va?: Kva;
  /** The page concerned (table page, backing page) or the table holding the entry. */
  readonly pfn?: number;
  readonly index?: number;
  readonly note?: string;
}

/** Where the strings of one recorded event sit in the trace's string column (four per event). */
const OP = 0;
const ACTOR = 1;
const LEVEL = 2;
const NOTE = 3;
/** Where its numbers sit in the number column (three per event; NaN where the event has none). */
const VA = 0;
const PFN = 1;
const INDEX = 2;

/**
 * The ordered event log of every operation. Recording can be switched off for benchmarks; counts per
 * operation are kept either way. Events are kept in columns, not as objects: the strings as indices
 * into a table of names, the numbers in a Float64Array (a page-mapped hot-add of a GiB on 4K writes
 * 262,144 PTEs: 10 MiB of columns instead of a quarter of a million objects for the collector);
 * `since` and `scan` build the objects a reader asks for.
 */
export class Trace {
  readonly counts: Record<EventOp, number> = {
    allocate: 0,
    install: 0,
    write: 0,
    clear: 0,
    'invalidate-tlb': 0,
    'invalidate-walk': 0,
    'invalidate-all': 0,
    free: 0,
  };
  recording = true;
  private length = 0;
  private strings = new Uint32Array(4 * 64);
  private numbers = new Float64Array(3 * 64);
  /** Name 0 stands for none. */
  private readonly names: (string | undefined)[] = [undefined];
  private readonly nameIds = new Map<string, number>();

  record(event: TraceEvent): void {
    this.counts[event.op]++;
    if (!this.recording) return;
    if (4 * this.length === this.strings.length) this.grow();
    const s = 4 * this.length;
    const n = 3 * this.length;
    this.strings[s + OP] = this.nameId(event.op);
    this.strings[s + ACTOR] = this.nameId(event.actor);
    this.strings[s + LEVEL] = this.nameId(event.level);
    this.strings[s + NOTE] = this.nameId(event.note);
    this.numbers[n + VA] = event.va ?? Number.NaN;
    this.numbers[n + PFN] = event.pfn ?? Number.NaN;
    this.numbers[n + INDEX] = event.index ?? Number.NaN;
    this.length++;
  }

  /** Counts `n` operations of one kind without recording them one by one (hot loops with recording off). */
  count(op: EventOp, n: number): void {
    this.counts[op] += n;
  }

  /** Events recorded from a mark on (use `mark()` before an operation), as new objects. */
  since(mark: number): TraceEvent[] {
    const events: TraceEvent[] = [];
    this.scan(mark, (e) => events.push(e));
    return events;
  }

  /**
   * Shows the events recorded from a mark on to `visit`, in order, each as a new object with only the
   * fields it was recorded with, and keeps none of them: a reader that only tallies leaves the
   * collector nothing long-lived.
   */
  scan(mark: number, visit: (event: TraceEvent) => void): void {
    for (let i = mark; i < this.length; i++) {
      const s = 4 * i;
      const n = 3 * i;
      const event: { -readonly [K in keyof TraceEvent]: TraceEvent[K] } = {
        op: this.names[this.strings[s + OP] as number] as EventOp,
        actor: this.names[this.strings[s + ACTOR] as number] as string,
      };
      const level = this.names[this.strings[s + LEVEL] as number];
      if (level !== undefined) event.level = level as LevelName;
      const va = this.numbers[n + VA] as number;
      if (!Number.isNaN(va)) event.va = va;
      const pfn = this.numbers[n + PFN] as number;
      if (!Number.isNaN(pfn)) event.pfn = pfn;
      const index = this.numbers[n + INDEX] as number;
      if (!Number.isNaN(index)) event.index = index;
      const note = this.names[this.strings[s + NOTE] as number];
      if (note !== undefined) event.note = note;
      visit(event);
    }
  }

  mark(): number {
    return this.length;
  }

  private nameId(name: string | undefined): number {
    if (name === undefined) return 0;
    let id = this.nameIds.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.nameIds.set(name, id);
    }
    return id;
  }

  /** Doubles both columns. */
  private grow(): void {
    const strings = new Uint32Array(2 * this.strings.length);
    strings.set(this.strings);
    this.strings = strings;
    const numbers = new Float64Array(2 * this.numbers.length);
    numbers.set(this.numbers);
    this.numbers = numbers;
  }
}
