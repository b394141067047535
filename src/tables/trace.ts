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

/** How many events of one kind a stretch of the trace holds (Trace.tally). */
export interface EventKindCount {
  readonly op: EventOp;
  readonly level?: LevelName;
  readonly note?: string;
  readonly count: number;
}

/** Fields of one event in the 16-bit column (five per event): names as indices into the table of names, and the entry index. */
const OP = 0;
const ACTOR = 1;
const LEVEL = 2;
const NOTE = 3;
const INDEX = 4;
const SHORTS = 5;
/** In the 16-bit column: no name (name 0) and no entry index (entry indices are below 8192). */
const NO_NAME = 0;
const NO_INDEX = 0xffff;
/** Fields in the 64-bit column (two per event; NaN where the event has none). */
const VA = 0;
const PFN = 1;
const FLOATS = 2;
/** Events per chunk of columns (the first chunk grows to it from 64). */
const CHUNK_SHIFT = 16;
const CHUNK_EVENTS = 2 ** CHUNK_SHIFT;

/** One chunk of recorded events. */
interface Chunk {
  shorts: Uint16Array;
  floats: Float64Array;
}

/**
 * The ordered event log of every operation. Recording can be switched off for benchmarks; counts per
 * operation are kept either way. Events are kept in columns, not as objects, 26 bytes each: the
 * strings as indices into a table of names and the entry index in 16 bits, the address and page
 * frame as doubles; chunks of 2^16 events, so the log never copies itself as it grows. (A page-mapped
 * hot-add of a GiB on 4K writes 262,144 PTEs: 6.5 MiB of columns, where objects left a quarter of a
 * million of them for the collector.) `since` and `scan` build the objects a reader asks for.
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
  private readonly chunks: Chunk[] = [];
  /** Name 0 stands for none. */
  private readonly names: (string | undefined)[] = [undefined];
  private readonly nameIds = new Map<string, number>();
  /** The name each 16-bit name field (OP to NOTE) was last given, and its id (0, none, to start). */
  private readonly lastNames: (string | undefined)[] = [undefined, undefined, undefined, undefined];
  private readonly lastIds = new Uint16Array(4);
  /** The columns of the last chunk, which the next event goes in, and how many more events they hold. */
  private shorts: Uint16Array = new Uint16Array(0);
  private floats: Float64Array = new Float64Array(0);
  private room = 0;

  record(event: TraceEvent): void {
    this.add(event.op, event.actor, event.level, event.va, event.pfn, event.index, event.note);
  }

  /** record(), field by field: what the hot loops call, with no event object to build. */
  add(op: EventOp, actor: string, level?: LevelName, va?: Kva, pfn?: number, index?: number, note?: string): void {
    this.counts[op]++;
    if (!this.recording) return;
    if (this.room === 0) this.grow();
    const { shorts, floats } = this;
    const at = this.length & (CHUNK_EVENTS - 1);
    const s = SHORTS * at;
    shorts[s + OP] = this.fieldId(OP, op);
    shorts[s + ACTOR] = this.fieldId(ACTOR, actor);
    shorts[s + LEVEL] = this.fieldId(LEVEL, level);
    shorts[s + NOTE] = this.fieldId(NOTE, note);
    shorts[s + INDEX] = index ?? NO_INDEX;
    floats[FLOATS * at + VA] = va ?? Number.NaN;
    floats[FLOATS * at + PFN] = pfn ?? Number.NaN;
    this.length++;
    this.room--;
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
      const { shorts, floats } = this.chunks[i >>> CHUNK_SHIFT] as Chunk;
      const at = i & (CHUNK_EVENTS - 1);
      const s = SHORTS * at;
      const event: { -readonly [K in keyof TraceEvent]: TraceEvent[K] } = {
        op: this.names[shorts[s + OP] as number] as EventOp,
        actor: this.names[shorts[s + ACTOR] as number] as string,
      };
      const level = this.names[shorts[s + LEVEL] as number];
      if (level !== undefined) event.level = level as LevelName;
      const va = floats[FLOATS * at + VA] as number;
      if (!Number.isNaN(va)) event.va = va;
      const pfn = floats[FLOATS * at + PFN] as number;
      if (!Number.isNaN(pfn)) event.pfn = pfn;
      const index = shorts[s + INDEX] as number;
      if (index !== NO_INDEX) event.index = index;
      const note = this.names[shorts[s + NOTE] as number];
      if (note !== undefined) event.note = note;
      visit(event);
    }
  }

  mark(): number {
    return this.length;
  }

  /**
   * How many events of each kind (operation, level and note) were recorded from a mark on, kinds in
   * the order each first appears: counted in the columns, with no event built (a page-mapped hot-add
   * records a million).
   */
  tally(mark: number): EventKindCount[] {
    const counts = new Map<number, number>();
    // Events come in runs of one kind (the PTEs of a table): the map is touched once a run.
    let run = -1;
    let length = 0;
    for (let i = mark; i < this.length; i++) {
      const { shorts } = this.chunks[i >>> CHUNK_SHIFT] as Chunk;
      const s = SHORTS * (i & (CHUNK_EVENTS - 1));
      const key =
        ((shorts[s + OP] as number) * 2 ** 16 + (shorts[s + LEVEL] as number)) * 2 ** 16 + (shorts[s + NOTE] as number);
      if (key === run) {
        length++;
        continue;
      }
      if (length > 0) counts.set(run, (counts.get(run) ?? 0) + length);
      if (!counts.has(key)) counts.set(key, 0);
      run = key;
      length = 1;
    }
    if (length > 0) counts.set(run, (counts.get(run) ?? 0) + length);
    return [...counts].map(([key, count]) => {
      const kind: { -readonly [K in keyof EventKindCount]: EventKindCount[K] } = {
        op: this.names[Math.floor(key / 2 ** 32)] as EventOp,
        count,
      };
      const level = this.names[Math.floor(key / 2 ** 16) % 2 ** 16];
      if (level !== undefined) kind.level = level as LevelName;
      const note = this.names[key % 2 ** 16];
      if (note !== undefined) kind.note = note;
      return kind;
    });
  }

  /** nameId of a field's name, remembering each field's last one: events come in runs of one kind. */
  private fieldId(field: number, name: string | undefined): number {
    if (name !== this.lastNames[field]) {
      this.lastNames[field] = name;
      this.lastIds[field] = this.nameId(name);
    }
    return this.lastIds[field] as number;
  }

  private nameId(name: string | undefined): number {
    if (name === undefined) return NO_NAME;
    let id = this.nameIds.get(name);
    if (id === undefined) {
      id = this.names.length;
      if (id > 0xffff) throw new Error(`a trace holds at most 65,535 distinct names in 16 bits (was given ${name})`);
      this.names.push(name);
      this.nameIds.set(name, id);
    }
    return id;
  }

  /**
   * Makes room for the next event when the last chunk is full: the first chunk doubles from 64 events
   * up to CHUNK_EVENTS, then each new chunk has CHUNK_EVENTS.
   */
  private grow(): void {
    const at = this.length & (CHUNK_EVENTS - 1);
    const last = this.chunks[this.length >>> CHUNK_SHIFT];
    if (!last) {
      const events = this.length === 0 ? 64 : CHUNK_EVENTS;
      this.chunks.push({ shorts: new Uint16Array(SHORTS * events), floats: new Float64Array(FLOATS * events) });
    } else {
      const shorts = new Uint16Array(2 * last.shorts.length);
      shorts.set(last.shorts);
      const floats = new Float64Array(2 * last.floats.length);
      floats.set(last.floats);
      last.shorts = shorts;
      last.floats = floats;
    }
    const chunk = this.chunks[this.length >>> CHUNK_SHIFT] as Chunk;
    this.shorts = chunk.shorts;
    this.floats = chunk.floats;
    this.room = chunk.shorts.length / SHORTS - at;
  }
}
