/** How a lock is taken: shared (down_read / get_online_mems) or exclusive (spin_lock, down_write / mem_hotplug_begin). */
export type LockMode = 'read' | 'write';

/** The lock a step takes or releases. */
export interface LockUse {
  readonly name: string;
  readonly mode: LockMode;
}

/** init_mm.page_table_lock: held by vmalloc only while it installs a table. */
export const PAGE_TABLE_LOCK = 'init_mm.page_table_lock';
/** mem_hotplug_lock: hot-remove holds it for writing; in v5.7 the debugfs ptdump (not the W+X check) for reading. */
export const MEM_HOTPLUG_LOCK = 'mem_hotplug_lock';

/** The kernel's locks as the model needs them: who holds which, and in which mode. */
export class Locks {
  private readonly holders = new Map<string, { mode: LockMode; actors: Set<string> }>();

  /** Whether an actor could take the lock now without waiting. */
  canTake(use: LockUse, actor: string): boolean {
    const held = this.holders.get(use.name);
    if (!held || held.actors.size === 0) return true;
    if (held.actors.has(actor)) return false;
    return use.mode === 'read' && held.mode === 'read';
  }

  take(use: LockUse, actor: string): void {
    if (!this.canTake(use, actor)) throw new Error(`${actor} cannot take ${use.name} for ${use.mode}: it is held`);
    const held = this.holders.get(use.name) ?? { mode: use.mode, actors: new Set<string>() };
    held.mode = use.mode;
    held.actors.add(actor);
    this.holders.set(use.name, held);
  }

  release(name: string, actor: string): void {
    this.holders.get(name)?.actors.delete(actor);
  }

  /** Who holds a lock now. */
  heldBy(name: string): string[] {
    return [...(this.holders.get(name)?.actors ?? [])];
  }

  clone(): Locks {
    const copy = new Locks();
    for (const [name, h] of this.holders) copy.holders.set(name, { mode: h.mode, actors: new Set(h.actors) });
    return copy;
  }
}
