import type { Kva } from '../../arch/address';
import { entriesNotNone } from '../../arch/descriptor';
import type { Level } from '../../arch/geometry';
import { sharedTopEntry } from '../../arch/sharing';
import type { TableDecision } from '../../hotplug/teardown';
import { Kernel } from '../../mappings/kernel';
import { PageState } from '../../memory/page';
import { reachableTables, type TableNode } from '../../tables/tree';

/** What became of a table page across a change, as the picture colours it. */
export type TableStatus = 'live' | 'allocated' | 'freed' | 'empty' | 'static' | 'reserved';

/** One table page of the picture: before or after the change or both. */
export interface PictureTable {
  readonly pfn: number;
  readonly level: Level;
  readonly va: Kva;
  readonly status: TableStatus;
  /** Its span covers both vmalloc and vmemmap (sharedTopEntry): vmalloc walks through it without a lock. */
  readonly shared: boolean;
  /** swapper_pg_dir, bm_pud, … for the kernel image's static tables, else "PUD table" and so on. */
  readonly name: string;
  /** The first and last of its entries that lie in the shown range. */
  readonly first: number;
  readonly last: number;
  /** Entries not none after the change (a freed table has none to count). */
  readonly live?: number;
  /** Why a table still there was not freed. */
  readonly reason?: string;
}

/** The VA range a picture shows, and what pass 2 decided there (a teardown's report), if it ran. */
export interface ShownRange {
  readonly start: Kva;
  readonly end: Kva;
  readonly decisions?: readonly TableDecision[];
}

/** Table pages before a change: a clone of the kernel taken then, or its reachable tables. */
export type Before = Kernel | Iterable<TableNode>;

/**
 * The table pages whose span meets the shown range, top level first and by address: those reachable
 * after the change (kept or allocated) and those reachable only before it (freed).
 */
export function pictureTables(before: Before | undefined, after: Kernel, range: ShownRange): PictureTable[] {
  const meets = (n: TableNode): boolean => n.va < range.end && range.start < n.va + n.level.tableSpan;
  const prior =
    before === undefined
      ? undefined
      : new Map(
          tablesOf(before)
            .filter(meets)
            .map((n) => [n.pfn, n]),
        );
  const now = reachableTables(after.pt, 'picture').filter(meets);
  const decided = new Map((range.decisions ?? []).map((d) => [d.pfn, d]));
  const context = { k: after, range, shared: sharedKeys(after) };
  const tables = now.map((n) => {
    const was = prior?.get(n.pfn);
    const same = was !== undefined && was.level === n.level && was.va === n.va;
    if (same) prior?.delete(n.pfn);
    return present(context, n, prior !== undefined && !same, decided.get(n.pfn));
  });
  for (const n of prior?.values() ?? []) tables.push(freed(context, n));
  return tables.sort((a, b) => a.level.depth - b.level.depth || a.va - b.va);
}

function tablesOf(before: Before): TableNode[] {
  return before instanceof Kernel ? reachableTables(before.pt, 'picture') : [...before];
}

interface Context {
  readonly k: Kernel;
  readonly range: ShownRange;
  readonly shared: ReadonlySet<string>;
}

/** Level and start of every table page vmalloc and vmemmap both walk through. */
function sharedKeys(k: Kernel): Set<string> {
  return new Set(sharedTopEntry(k.layout).tables.map((t) => `${t.level}@${t.start}`));
}

function common(c: Context, n: TableNode): Omit<PictureTable, 'status' | 'live' | 'reason'> {
  const { level, va } = n;
  const last = Math.floor((Math.min(c.range.end, va + level.tableSpan) - 1 - va) / level.entrySize);
  return {
    pfn: n.pfn,
    level,
    va,
    shared: c.shared.has(`${level.name}@${va}`),
    name: c.k.pt.staticName(n.pfn, level.name) ?? `${level.name} table`,
    first: Math.max(0, Math.floor((c.range.start - va) / level.entrySize)),
    last,
  };
}

function freed(c: Context, n: TableNode): PictureTable {
  return { ...common(c, n), status: 'freed' };
}

function present(c: Context, n: TableNode, allocated: boolean, decision?: TableDecision): PictureTable {
  const live = entriesNotNone(c.k.pt.words(n.pfn, 'picture'), n.level.entries);
  const status = allocated && live > 0 ? 'allocated' : keptStatus(c.k, n, live);
  return { ...common(c, n), status, live, reason: why(n, decision) };
}

function keptStatus(k: Kernel, n: TableNode, live: number): TableStatus {
  if (k.pt.isStatic(n.pfn)) return 'static';
  if (k.mem.state(n.pfn) === PageState.Reserved) return 'reserved';
  return live === 0 ? 'empty' : 'live';
}

/** free_empty_tables' reason for keeping a table, with the failing test or the live entries. */
function why(n: TableNode, d: TableDecision | undefined): string | undefined {
  if (n.level.depth === 0) return 'the PGD is never freed';
  if (!d || d.freed) return undefined;
  if (d.verdict) return `${d.reason} (${d.verdict})`;
  return d.live === undefined ? d.reason : `${d.reason} (${d.live} live)`;
}
