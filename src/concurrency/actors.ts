import { type Kva, kvaHex, physHex } from '../arch/address';
import { DescType, descAddr, descType } from '../arch/descriptor';
import type { Level } from '../arch/geometry';
import { type FreeingPolicy, policyNamed } from '../hotplug/policy';
import { removePgdMapping, vmemmapFree } from '../hotplug/remove';
import type { Kernel } from '../mappings/kernel';
import type { VmArea } from '../mappings/vmalloc';
import { type LockUse, MEM_HOTPLUG_LOCK } from '../tables/locks';
import type { Step, Steps } from '../tables/step';
import { mmuTranslate, translate } from '../tables/walker';
import type { Actor } from './actor';

const lockStep = (actor: string, use: LockUse, op: 'lock' | 'unlock'): Step => ({
  actor,
  op,
  pages: [],
  readOnly: false,
  lock: use,
  text: `${actor} ${op === 'lock' ? 'takes' : 'releases'} ${use.name}${use.mode === 'read' ? ' for reading' : ''}`,
});

/** Runs a program between taking and releasing a lock. */
function* locked<T>(k: Kernel, actor: string, use: LockUse, body: Steps<T>): Steps<T> {
  yield lockStep(actor, use, 'lock');
  k.pt.locks.take(use, actor);
  const result = yield* body;
  yield lockStep(actor, use, 'unlock');
  k.pt.locks.release(use.name, actor);
  return result;
}

export interface HotRemoveActorOptions {
  /** vmemmap_free of [start, end) in vmemmap, or __remove_pgd_mapping of [start, end) in the linear map. */
  readonly caller: 'vmemmap_free' | '__remove_pgd_mapping';
  readonly start: Kva;
  readonly end: Kva;
  readonly policy: FreeingPolicy | string;
}

/** Hot-remove: the same teardown as the sequential model, step by step, under mem_hotplug_lock (write). */
export function hotRemoveActor(k: Kernel, o: HotRemoveActorOptions): Actor {
  const name = 'hot-remove';
  const policy = typeof o.policy === 'string' ? policyNamed(o.policy) : o.policy;
  const options = { policy, actor: name, stepwise: true };
  const body =
    o.caller === 'vmemmap_free'
      ? vmemmapFree(k, o.start, o.end, options)
      : removePgdMapping(k, k.pt.pgd, o.start, o.end - o.start, options);
  return { name, program: locked(k, name, { name: MEM_HOTPLUG_LOCK, mode: 'write' }, body) };
}

/** vmalloc of `size` at a fixed address; at the end its pages must still be mapped (else: a lost mapping). */
export function vmallocActor(k: Kernel, at: Kva, size: number): Actor {
  const name = 'vmalloc';
  let area: VmArea | undefined;
  const program = (function* () {
    area = yield* k.vmalloc.vmallocSteps(size, name, at);
  })();
  const atEnd = () =>
    (area?.pages ?? []).flatMap((pfn, i) => {
      const va = at + i * k.geo.pageSize;
      const pa = translate(k.pt, va);
      return pa === pfn * k.geo.pageSize
        ? []
        : [
            {
              kind: 'lost-mapping' as const,
              actor: name,
              detail: `vmalloc's page at ${kvaHex(k.geo, va)} is no longer mapped (a table it wrote into was unlinked)`,
            },
          ];
    });
  return { name, program, atEnd };
}

/**
 * The two ptdump walkers of v5.7, each reading every level over [start, end): `ptdump`, the debugfs dump
 * (ptdump_show), holds mem_hotplug_lock for reading — the hot-remove series added that; `ptdump_check_wx`,
 * the W+X check, walks without it (the lock moved into the generic walker only in 2025, 59305202c67f).
 */
export type PtdumpWalker = 'ptdump' | 'ptdump_check_wx';

export function ptdumpActor(k: Kernel, start: Kva, end: Kva, walker: PtdumpWalker): Actor {
  const walk = walkRange(k, walker, k.pt.pgd, 0, start, end);
  const program = walker === 'ptdump' ? locked(k, walker, { name: MEM_HOTPLUG_LOCK, mode: 'read' }, walk) : walk;
  return { name: walker, program };
}

function* walkRange(k: Kernel, actor: string, table: number, depth: number, start: Kva, end: Kva): Steps {
  const level = k.geo.levels[depth] as Level;
  for (let addr = start; addr < end; ) {
    const next = Math.min((Math.floor(addr / level.entrySize) + 1) * level.entrySize, end);
    const index = k.pt.index(level, addr);
    const where = `${level.name}[${index}] of table ${physHex(table * k.geo.pageSize)}`;
    yield { actor, op: 'read', pages: [table], readOnly: true, holds: [table], text: `${actor} reads ${where}` };
    const words = k.pt.words(table, actor);
    const lo = words[2 * index] as number;
    if (descType(level, lo) === DescType.Table) {
      const child = descAddr(lo, words[2 * index + 1] as number, k.geo.pageShift) / k.geo.pageSize;
      yield* walkRange(k, actor, child, depth + 1, addr, next);
    }
    addr = next;
  }
}

/** A CPU touching an address: one hardware walk, through the TLB and walk cache. */
export function cpuAccessActor(k: Kernel, va: Kva): Actor {
  const name = 'cpu';
  const program = (function* () {
    yield {
      actor: name,
      op: 'walk',
      pages: [],
      readOnly: true,
      text: `${name} accesses ${kvaHex(k.geo, va)} (hardware walk)`,
    } satisfies Step;
    mmuTranslate(k.pt, va, name);
  })();
  return { name, program };
}
