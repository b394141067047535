import { type Kva, kvaHex } from '../arch/address';
import { ConfigError } from '../errors';
import { archAddMemory } from '../hotplug/add';
import { type FreeingPolicy, POLICIES, policyNamed } from '../hotplug/policy';
import { vmemmapFree } from '../hotplug/remove';
import type { Kernel, Machine } from '../mappings/kernel';
import { vmemmapLeafLevel } from '../mappings/vmemmap';
import { runToEnd } from '../tables/step';
import { translate } from '../tables/walker';
import type { Actor } from './actor';
import { cpuAccessActor, hotRemoveActor, ptdumpActor } from './actors';
import type { Scenario } from './explorer';
import { constructedKernel, gibVmemmap, type RaceState, raceState } from './scenarios';

const GiB = 2 ** 30;
const v57 = POLICIES['v5.7'] as FreeingPolicy;

const bug = (name: string, summary: string, change: Partial<FreeingPolicy>): FreeingPolicy => ({
  ...v57,
  ...change,
  name,
  summary,
});

/** v5.7 with one thing wrong, as data: the bugs the explorer must find, each a change of one policy field. */
export const INJECTED_BUGS: Readonly<Record<string, FreeingPolicy>> = {
  'no-floor': bug('v5.7 without the floor check', 'pgtable_range_aligned ignores floor', { rangeCheck: 'no-floor' }),
  'no-ceiling': bug('v5.7 without the ceiling check', 'pgtable_range_aligned ignores ceiling', {
    rangeCheck: 'no-ceiling',
  }),
  'end-gt-ceiling': bug(
    'v5.7 comparing end > ceiling',
    'pgtable_range_aligned compares end > ceiling instead of end − 1 > ceiling − 1',
    { rangeCheck: 'end-gt-ceiling' },
  ),
  'free-before-clear': bug(
    'v5.7 freeing before clearing the parent',
    'the table page is freed before its parent entry is cleared',
    { freeBeforeClear: true },
  ),
  'no-walk-invalidation': bug(
    'v5.7 without walk-cache invalidation',
    'no __flush_tlb_kernel_pgtable between clearing the parent entry and freeing the table',
    { invalidateWalk: false },
  ),
  'no-scan': bug('v5.7 without the all-none scan', 'a table inside floor and ceiling is freed unread', { scan: false }),
};

/** A policy of src/hotplug/policy.ts or an injected bug, by its key or (for bugs) its name. */
export function anyPolicy(name: string): FreeingPolicy {
  const injected =
    (Object.hasOwn(INJECTED_BUGS, name) ? INJECTED_BUGS[name] : undefined) ??
    Object.values(INJECTED_BUGS).find((p) => p.name === name);
  if (injected) return injected;
  if (Object.hasOwn(POLICIES, name)) return policyNamed(name);
  throw new ConfigError(
    'the table-freeing policy must be one the model knows',
    { policy: name },
    `known: ${[...Object.keys(POLICIES), ...Object.keys(INJECTED_BUGS)].join(', ')}`,
  );
}

/**
 * A bare kernel (nothing of boot mapped, like raceState's constructed state) with the given sections
 * hot-added; the vmemmap of the first is torn down (v5.7) except its last leaf, which the explored
 * hot-remove removes, so that every schedule stays short.
 */
function lastLeafState(machine: Machine, sections: (k: Kernel) => number[]): { k: Kernel; leaf: [Kva, Kva] } {
  const k = constructedKernel(machine);
  const added = sections(k);
  for (const pa of added) archAddMemory(k, pa, GiB);
  const [vs, ve] = gibVmemmap(k, added[0] as number);
  const leafStart = ve - vmemmapLeafLevel(k).entrySize;
  runToEnd(vmemmapFree(k, vs, leafStart, { policy: 'v5.7', actor: 'setup' }));
  return { k, leaf: [leafStart, ve] };
}

/** The section whose struct pages end at VMEMMAP_END: the last one the linear map reaches. */
export function lastSection(k: Kernel): number {
  const pages = (k.layout.vmemmapEnd - k.layout.vmemmapStart) / k.geo.structPageSize;
  return k.physOffset + pages * k.geo.pageSize - GiB;
}

const removeLeaf = (c: Kernel, leaf: [Kva, Kva], policy: FreeingPolicy | string): Actor =>
  hotRemoveActor(c, { caller: 'vmemmap_free', start: leaf[0], end: leaf[1], policy });

/**
 * vmemmap_free of the last leaf of vmemmap ‖ the W+X check (no mem_hotplug_lock) walking only
 * [VMEMMAP_END, 2^64), outside the region: the tables it reads are those that reach above the ceiling.
 */
export function aboveCeilingRace(machine: Machine, policy: FreeingPolicy | string): Scenario {
  const { k, leaf } = lastLeafState(machine, (b) => [lastSection(b)]);
  return {
    name: `vmemmap_free of the last struct pages ‖ ptdump_check_wx of [VMEMMAP_END, top) on ${k.geo.name} (constructed state)`,
    initial: k,
    actors: (c) => [
      removeLeaf(c, leaf, policy),
      ptdumpActor(c, c.layout.vmemmapEnd, 2 ** c.geo.vaBits, 'ptdump_check_wx'),
    ],
  };
}

/** A CPU touching a struct page of memory still present; at the end that page must still be mapped as before. */
export function structPageActor(k: Kernel, va: Kva): Actor {
  const cpu = cpuAccessActor(k, va);
  const expected = translate(k.pt, va);
  const atEnd = () =>
    translate(k.pt, va) === expected
      ? []
      : [
          {
            kind: 'lost-mapping' as const,
            actor: cpu.name,
            detail: `the struct page at ${kvaHex(k.geo, va)}, of memory still present, is no longer mapped`,
          },
        ];
  return { ...cpu, atEnd };
}

/**
 * vmemmap_free of the last leaf of the section at PHYS_OFFSET (1 GiB) ‖ a CPU touching a struct page
 * of the section at 3 GiB, whose struct pages share that leaf's table (both hot-added, bare state).
 */
export function neighbourRace(machine: Machine, policy: FreeingPolicy | string): Scenario {
  const neighbour = 3 * GiB;
  const { k, leaf } = lastLeafState(machine, () => [GiB, neighbour]);
  return {
    name: `vmemmap_free of the section at 0x40000000 ‖ a CPU on the struct pages of 0xc0000000 on ${k.geo.name} (constructed state)`,
    initial: k,
    actors: (c) => [removeLeaf(c, leaf, policy), structPageActor(c, c.vmemmapVa(neighbour / c.geo.pageSize))],
  };
}

/** vmemmap_free of a leaf ‖ a CPU whose walk cache is empty, walking from the PGD to that leaf. */
export function coldWalkRace(machine: Machine, policy: FreeingPolicy | string, state: RaceState = 'real'): Scenario {
  const { k, leaf } = raceState(machine, state);
  return {
    name: `vmemmap_free ‖ a CPU walking from the PGD on ${k.geo.name} (${state} state)`,
    initial: k,
    actors: (c) => [removeLeaf(c, leaf, policy), cpuAccessActor(c, leaf[0])],
  };
}
