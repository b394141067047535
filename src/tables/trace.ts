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

/**
 * The ordered event log of every operation. Recording can be switched off for benchmarks; counts per
 * operation are kept either way.
 */
export class Trace {
  readonly events: TraceEvent[] = [];
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

  record(event: TraceEvent): void {
    this.counts[event.op]++;
    if (this.recording) this.events.push(event);
  }

  /** Counts `n` operations of one kind without recording them one by one (hot loops with recording off). */
  count(op: EventOp, n: number): void {
    this.counts[op] += n;
  }

  /** Events recorded from a mark on (use `mark()` before an operation). */
  since(mark: number): TraceEvent[] {
    return this.events.slice(mark);
  }

  mark(): number {
    return this.events.length;
  }
}
