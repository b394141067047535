import { type Kva, kvaHex, physHex } from '../arch/address';
import type { Geometry, Level } from '../arch/geometry';
import type { PhysMem } from '../memory/physmem';

/** A cached pointer or translation, for reports. */
export interface CachedEntry {
  readonly kind: 'leaf' | 'walk';
  /** Depth of the entry it was read from (0 = PGD). */
  readonly depth: number;
  /** First address the cached entry covers. */
  readonly va: Kva;
  /** For walk entries: the page frame of the table pointed at; for leaves: the output address. */
  readonly target: number;
}

/** What the TLB holds of one level, by entry number (kva / entrySize). */
interface LevelCache {
  readonly level: Level;
  /** Entry number → output address of the page or block. */
  readonly leaves: Map<number, number>;
  /** Entry number → page frame of the table it points to. */
  readonly walks: Map<number, number>;
}

/** The number of the entry of a level that covers kva. */
function entryNumber(cache: LevelCache, kva: Kva): number {
  return Math.floor(kva / cache.level.entrySize);
}

/**
 * The TLB and the walk cache of the model's CPU. Hardware walks fill both: leaves (page or block
 * translations) and intermediate table pointers. Last-level invalidation (TLBI VAALE1IS) drops only
 * leaves; invalidation of all levels (TLBI VAAE1IS) drops the cached table pointers too — which is why
 * hot-remove must do the latter between clearing a parent entry and freeing the table page.
 */
export class Tlb {
  /** By depth (0 = PGD level). */
  private readonly levels: readonly LevelCache[];

  constructor(
    private readonly geo: Geometry,
    private readonly mem: PhysMem,
  ) {
    this.levels = geo.levels.map((level) => ({ level, leaves: new Map(), walks: new Map() }));
  }

  /** A copy for a cloned kernel. */
  clone(mem: PhysMem): Tlb {
    const copy = new Tlb(this.geo, mem);
    this.levels.forEach((cache, d) => {
      const to = copy.at(d);
      for (const [n, pa] of cache.leaves) to.leaves.set(n, pa);
      for (const [n, table] of cache.walks) to.walks.set(n, table);
    });
    return copy;
  }

  get size(): number {
    return this.levels.reduce((n, cache) => n + cache.leaves.size + cache.walks.size, 0);
  }

  fillLeaf(depth: number, kva: Kva, pa: number): void {
    const cache = this.at(depth);
    cache.leaves.set(entryNumber(cache, kva), pa);
  }

  fillWalk(depth: number, kva: Kva, table: number): void {
    const cache = this.at(depth);
    cache.walks.set(entryNumber(cache, kva), table);
  }

  /** The output address of a cached leaf covering kva, if any (the deepest, should several). */
  lookupLeaf(kva: Kva): number | undefined {
    for (let d = this.levels.length - 1; d >= 0; d--) {
      const cache = this.at(d);
      const base = cache.leaves.get(entryNumber(cache, kva));
      if (base !== undefined) return base + (kva % cache.level.entrySize);
    }
    return undefined;
  }

  /** The deepest cached table pointer on kva's walk: the depth of the table it names, and its page. */
  deepestWalk(kva: Kva): { depth: number; table: number } | undefined {
    for (let d = this.levels.length - 2; d >= 0; d--) {
      const cache = this.at(d);
      const table = cache.walks.get(entryNumber(cache, kva));
      if (table !== undefined) return { depth: d + 1, table };
    }
    return undefined;
  }

  /** Whether any leaf translation is cached (an invalidation of an empty TLB changes nothing). */
  hasLeaves(): boolean {
    return this.levels.some((cache) => cache.leaves.size > 0);
  }

  /** TLBI VAALE1IS: drop leaves covering kva. */
  invalidateLeaf(kva: Kva): void {
    for (const cache of this.levels) cache.leaves.delete(entryNumber(cache, kva));
  }

  /** TLBI VAAE1IS: drop leaves and cached table pointers covering kva. */
  invalidateWalk(kva: Kva): void {
    this.invalidateLeaf(kva);
    for (const cache of this.levels) cache.walks.delete(entryNumber(cache, kva));
  }

  invalidateAll(): void {
    for (const cache of this.levels) {
      cache.leaves.clear();
      cache.walks.clear();
    }
  }

  /** Cached table pointers naming a page that no longer holds a live table. */
  staleWalks(): CachedEntry[] {
    const out: CachedEntry[] = [];
    this.levels.forEach((cache, d) => {
      for (const [n, table] of cache.walks) {
        if (!this.mem.isLiveTable(table))
          out.push({ kind: 'walk', depth: d, va: n * cache.level.entrySize, target: table });
      }
    });
    return out;
  }

  /** One line per cached entry, for reports. */
  describe(entry: CachedEntry): string {
    const where = `${this.at(entry.depth).level.name}[${kvaHex(this.geo, entry.va)}]`;
    return entry.kind === 'walk'
      ? `${where} → table ${physHex(entry.target * this.geo.pageSize)}`
      : `${where} → ${physHex(entry.target)}`;
  }

  private at(depth: number): LevelCache {
    return this.levels[depth] as LevelCache;
  }
}
