import { physHex } from '../arch/address';
import type { Geometry } from '../arch/geometry';
import { formatSize, MODEL_BUDGET, maxPresentPages } from '../arch/size';
import { RangeRuleError } from '../errors';
import { type Owner, PageState, POISON_WORD } from './page';

const SLAB_BYTES = 2 ** 20;

/** Page states and owners are kept in chunks of 2^14 pages, each one copied on its first write. */
const CHUNK_SHIFT = 14;
const CHUNK_PAGES = 2 ** CHUNK_SHIFT;
const CHUNK_MASK = CHUNK_PAGES - 1;

/** A contiguous block of present physical memory, with one state and owner byte per page. */
export interface MemBlock {
  readonly kind: 'boot' | 'hotplug';
  readonly base: number;
  readonly size: number;
  readonly firstPfn: number;
  readonly pages: number;
  /**
   * The state of each page, in chunks of 2^14 pages (the last one shorter). A chunk may be shared (with
   * a clone, or ZERO_CHUNK): only PhysMem.setPages writes, and it copies a chunk it does not own first.
   */
  readonly state: Uint8Array[];
  /** The owner of each page, chunked as state. */
  readonly owner: Uint8Array[];
}

/** States (or owners) of pages no one has written: each full chunk of a fresh block is this one array, never written. */
const ZERO_CHUNK = new Uint8Array(CHUNK_PAGES);

/**
 * Zeroed bytes for `pages` pages, in chunks that all view ZERO_CHUNK until a write copies one: a
 * hot-added block costs nothing until its pages are used (most never are: the allocator serves the
 * boot block), and a fingerprint digests the zero chunk once.
 */
function chunks(pages: number): Uint8Array[] {
  const count = Math.ceil(pages / CHUNK_PAGES);
  return Array.from({ length: count }, (_, i) =>
    (i + 1) * CHUNK_PAGES <= pages ? ZERO_CHUNK : ZERO_CHUNK.subarray(0, pages - i * CHUNK_PAGES),
  );
}

/**
 * Refuses size bytes more beside `present` pages if the model could not hold them within its budget
 * (maxPresentPages), naming the most it can: whole sections, since memory comes and goes in sections.
 */
export function checkRoom(geo: Geometry, present: number, size: number, traced: boolean): void {
  const most = maxPresentPages(traced);
  if (present + size / geo.pageSize > most) {
    const room = Math.max(0, most - present) * geo.pageSize;
    throw new RangeRuleError(
      `the model holds the memory whose pages and tables fit in its ${formatSize(MODEL_BUDGET)} budget, boot and hot-added together`,
      {
        size: formatSize(size),
        largest: formatSize(room - (room % geo.sectionSize)),
        config: geo.name,
        trace: traced ? 'on' : 'off',
      },
    );
  }
}

/** A misuse of memory the model detected (it does not stop the model; detectors read the list). */
export interface MemViolation {
  readonly kind: 'use-after-free' | 'double-free' | 'absent-page' | 'stale-walk-cache';
  readonly pfn: number;
  readonly accessor: string;
  readonly detail: string;
}

/**
 * Physical memory: present blocks (boot memory and hot-added ranges), a state and an owner for every
 * page, the contents of page-table pages (exactly one granule of descriptors each, as 32-bit halves),
 * and the per-level count of live table pages.
 */
export class PhysMem {
  readonly blocks: MemBlock[] = [];
  readonly violations: MemViolation[] = [];
  /** Live table pages by depth (0 = PGD level), counting static tables too. */
  readonly liveTables: number[];
  private contents = new Map<number, Uint32Array>();
  private slab?: ArrayBuffer;
  private slabUsed = 0;
  private depthOf = new Map<number, number>();
  private last?: MemBlock;
  /**
   * Table pages, blocks and chunks of page states whose arrays this memory alone holds. A clone shares
   * every array with its original and neither owns them any more: the first write on either side
   * copies (copy on write).
   */
  private ownedTables = new Set<number>();
  private ownedBlocks = new Set<MemBlock>();
  private ownedChunks = new Set<Uint8Array>();
  /** Table storage this memory alone held for pages since handed out again, for the next tables. */
  private spare: Uint32Array[] = [];

  constructor(readonly geo: Geometry) {
    this.liveTables = geo.levels.map(() => 0);
  }

  /** An independent copy: blocks, page states, table contents, counts and violations. */
  clone(): PhysMem {
    const copy = new PhysMem(this.geo);
    copy.blocks.push(...this.blocks);
    copy.violations.push(...this.violations);
    copy.liveTables.splice(0, copy.liveTables.length, ...this.liveTables);
    copy.contents = new Map(this.contents);
    copy.depthOf = new Map(this.depthOf);
    this.ownedTables = new Set();
    this.ownedBlocks = new Set();
    this.ownedChunks = new Set();
    return copy;
  }

  /** The block holding pfn, as this memory's own: its lists of chunks copied first if a clone shares them. */
  private ownBlock(pfn: number): MemBlock | undefined {
    const b = this.blockOf(pfn);
    if (!b || this.ownedBlocks.has(b)) return b;
    const own = { ...b, state: [...b.state], owner: [...b.owner] };
    this.blocks[this.blocks.indexOf(b)] = own;
    this.ownedBlocks.add(own);
    this.last = own;
    return own;
  }

  /** Whether a chunk of page states or owners is shared with a clone: no one writes it any more (a write copies it first). */
  isFrozenChunk(chunk: Uint8Array): boolean {
    return !this.ownedChunks.has(chunk);
  }

  /** Chunk c of an own block's states or owners, as this memory's own: copied first if shared. */
  private ownChunk(list: Uint8Array[], c: number): Uint8Array {
    const chunk = list[c] as Uint8Array;
    if (this.ownedChunks.has(chunk)) return chunk;
    const own = chunk.slice();
    list[c] = own;
    this.ownedChunks.add(own);
    return own;
  }

  /** Makes [base, base + size) present; it must be page-aligned and overlap nothing present. */
  addBlock(kind: MemBlock['kind'], base: number, size: number): MemBlock {
    const page = this.geo.pageSize;
    if (size <= 0 || base % page !== 0 || size % page !== 0 || base + size > 2 ** this.geo.paBits) {
      throw new RangeRuleError('physical memory is page-aligned, non-empty and within the physical address bits', {
        base: physHex(base),
        size,
        paBits: this.geo.paBits,
      });
    }
    // Physical memory alone knows no trace: its own guard is the larger, untraced limit; the kernel
    // checks the limit of its trace setting before it adds a block.
    this.checkRoom(size, false);
    const clash = this.blocks.find((b) => base < b.base + b.size && b.base < base + size);
    if (clash) {
      throw new RangeRuleError('physical memory ranges must not overlap present memory', {
        base: physHex(base),
        size,
        present: physHex(clash.base),
      });
    }
    const pages = size / page;
    const block: MemBlock = {
      kind,
      base,
      size,
      firstPfn: base / page,
      pages,
      state: chunks(pages),
      owner: chunks(pages),
    };
    this.blocks.push(block);
    this.ownedBlocks.add(block);
    this.blocks.sort((a, b) => a.base - b.base);
    return block;
  }

  /** Refuses a block of this many bytes if the model could not hold it beside what is present. */
  checkRoom(size: number, traced: boolean): void {
    checkRoom(
      this.geo,
      this.blocks.reduce((sum, b) => sum + b.pages, 0),
      size,
      traced,
    );
  }

  /** Removes a present block that starts at base and has exactly that size. */
  removeBlock(base: number, size: number): void {
    const at = this.blocks.findIndex((b) => b.base === base && b.size === size);
    if (at < 0) throw new RangeRuleError('only a whole present block can be removed', { base: physHex(base), size });
    const [gone] = this.blocks.splice(at, 1);
    if (this.last === gone) this.last = undefined;
    if (!gone) return;
    this.ownedBlocks.delete(gone);
    for (const chunk of [...gone.state, ...gone.owner]) this.ownedChunks.delete(chunk);
  }

  /** The present block holding a page frame, if any. */
  blockOf(pfn: number): MemBlock | undefined {
    const last = this.last;
    if (last && pfn >= last.firstPfn && pfn < last.firstPfn + last.pages) return last;
    const found = this.blocks.find((b) => pfn >= b.firstPfn && pfn < b.firstPfn + b.pages);
    if (found) this.last = found;
    return found;
  }

  state(pfn: number): PageState | undefined {
    const b = this.blockOf(pfn);
    const i = pfn - (b?.firstPfn ?? 0);
    return b ? (b.state[i >>> CHUNK_SHIFT]?.[i & CHUNK_MASK] as PageState) : undefined;
  }

  owner(pfn: number): Owner | undefined {
    const b = this.blockOf(pfn);
    const i = pfn - (b?.firstPfn ?? 0);
    return b ? (b.owner[i >>> CHUNK_SHIFT]?.[i & CHUNK_MASK] as Owner) : undefined;
  }

  setPages(pfn: number, count: number, state: PageState, owner: Owner): void {
    const b = this.ownBlock(pfn);
    if (!b || pfn + count > b.firstPfn + b.pages) {
      throw new RangeRuleError('pages must lie in one present block', { pfn, count });
    }
    const first = pfn - b.firstPfn;
    const end = first + count;
    for (let c = Math.floor(first / CHUNK_PAGES); c * CHUNK_PAGES < end; c++) {
      const from = Math.max(first - c * CHUNK_PAGES, 0);
      const to = Math.min(end - c * CHUNK_PAGES, CHUNK_PAGES);
      this.ownChunk(b.state, c).fill(state, from, to);
      this.ownChunk(b.owner, c).fill(owner, from, to);
    }
  }

  /** Gives a page zeroed table contents and counts it as a live table of a depth. */
  makeTable(pfn: number, depth: number): Uint32Array {
    const words = this.freshTableWords();
    this.contents.set(pfn, words);
    this.ownedTables.add(pfn);
    this.depthOf.set(pfn, depth);
    this.liveTables[depth] = (this.liveTables[depth] ?? 0) + 1;
    return words;
  }

  /**
   * Zeroed descriptor storage for one table page: a spare one zeroed again, or cut from slabs (one
   * granule per table and no buffer of its own, so a million table pages cost their granules and
   * little more). Slabs start at one granule and double up to 1 MiB, so a clone that writes a few
   * tables zeroes little.
   */
  private freshTableWords(): Uint32Array {
    const spare = this.spare.pop();
    if (spare) return spare.fill(0);
    const bytes = this.geo.pageSize;
    if (!this.slab || this.slabUsed + bytes > this.slab.byteLength) {
      this.slab = new ArrayBuffer(this.slab ? Math.min(2 * this.slab.byteLength, SLAB_BYTES) : bytes);
      this.slabUsed = 0;
    }
    const words = new Uint32Array(this.slab, this.slabUsed, bytes / 4);
    this.slabUsed += bytes;
    return words;
  }

  /** Poisons a freed table page (its contents stay readable, as freed memory is) and uncounts it. */
  poisonTable(pfn: number): void {
    const words = this.ownTable(pfn);
    const depth = this.depthOf.get(pfn);
    if (!words || depth === undefined) return;
    words.fill(POISON_WORD);
    this.depthOf.delete(pfn);
    this.liveTables[depth] = (this.liveTables[depth] ?? 0) - 1;
  }

  /** Depth of a live table page, or undefined if the page holds no live table. */
  tableDepth(pfn: number): number | undefined {
    return this.depthOf.get(pfn);
  }

  /**
   * The descriptors of a table page, as the accessor reads them through a pointer it holds. Reading a
   * page that is not in use (freed, or never a table) is recorded as a violation naming page and accessor.
   */
  table(pfn: number, accessor: string): Uint32Array {
    const words = this.contents.get(pfn);
    const state = this.state(pfn);
    if (words && (state === PageState.InUse || state === PageState.Reserved)) return words;
    this.report(pfn, accessor, state);
    return words ?? new Uint32Array(this.geo.ptrsPerTable * 2).fill(POISON_WORD);
  }

  /** The descriptors of a table page for an accessor that writes them: table(), on this memory's own copy. */
  writableTable(pfn: number, accessor: string): Uint32Array {
    const words = this.table(pfn, accessor);
    return this.ownTable(pfn) ?? words;
  }

  /** A table page's contents as this memory's own: copied first if a clone shares them. */
  private ownTable(pfn: number): Uint32Array | undefined {
    const words = this.contents.get(pfn);
    if (!words || this.ownedTables.has(pfn)) return words;
    const own = this.freshTableWords();
    own.set(words);
    this.contents.set(pfn, own);
    this.ownedTables.add(pfn);
    return own;
  }

  /**
   * A table page's contents if this memory shares them with a clone: then no one ever writes them
   * again (a write copies first), so what is computed from them may be kept.
   */
  frozenTable(pfn: number): Uint32Array | undefined {
    return this.ownedTables.has(pfn) ? undefined : this.contents.get(pfn);
  }

  /** Whether the page is a live table a walker may read without a violation. */
  isLiveTable(pfn: number): boolean {
    return this.depthOf.has(pfn);
  }

  /** Drops the contents of a page handed out again for another use (its own storage serves a later table). */
  forget(pfn: number): void {
    const words = this.contents.get(pfn);
    if (words && this.ownedTables.has(pfn)) this.spare.push(words);
    this.contents.delete(pfn);
    this.ownedTables.delete(pfn);
  }

  private report(pfn: number, accessor: string, state: PageState | undefined): void {
    const pa = physHex(pfn * this.geo.pageSize);
    if (state === undefined) {
      this.violations.push({
        kind: 'absent-page',
        pfn,
        accessor,
        detail: `${accessor} read page ${pa}, which is not present memory`,
      });
    } else {
      this.violations.push({
        kind: 'use-after-free',
        pfn,
        accessor,
        detail: `${accessor} read page ${pa} through a stale pointer after it was freed`,
      });
    }
  }

  /** Records a free of a page that is not in use. */
  reportDoubleFree(pfn: number, accessor: string): void {
    this.violations.push({
      kind: 'double-free',
      pfn,
      accessor,
      detail: `${accessor} freed page ${physHex(pfn * this.geo.pageSize)}, which was not in use`,
    });
  }
}
