import type { Kva } from '../arch/address';
import { archAddMemory } from '../hotplug/add';
import type { FreeingPolicy } from '../hotplug/policy';
import { vmemmapFree } from '../hotplug/remove';
import { Kernel, type Machine, machineOptions } from '../mappings/kernel';
import { vmemmapLeafLevel } from '../mappings/vmemmap';
import { runToEnd } from '../tables/step';
import { mmuTranslate } from '../tables/walker';
import { cpuAccessActor, hotRemoveActor, type PtdumpWalker, ptdumpActor, vmallocActor } from './actors';
import type { DetectorKind } from './detectors';
import type { Scenario } from './explorer';

/** Which initial state a race starts from. */
export type RaceState = 'real' | 'constructed';

const GiB = 2 ** 30;

/**
 * The state a race starts from: one section hot-added, its struct pages at `vmemmap`.
 * - `real`: the v5.7 boot state (1 GiB of boot memory); the section is the first whose vmemmap leaves
 *   live in a table of their own, not one shared with boot memory's struct pages.
 * - `constructed`: a bare kernel (nothing of boot mapped) whose first DRAM section, at PHYS_OFFSET, is
 *   hot-pluggable: its vmemmap starts at VMEMMAP_START, in the table vmalloc shares where it shares one,
 *   and no boot structure pins that table.
 */
export function hotAddedState(machine: Machine, state: RaceState): { k: Kernel; vmemmap: [Kva, Kva] } {
  const k =
    state === 'real'
      ? new Kernel({ ...machineOptions(machine), bootSize: GiB, rodataFull: false })
      : constructedKernel(machine);
  const section = state === 'real' ? firstSectionWithOwnLeafTable(k) : GiB;
  archAddMemory(k, section, GiB);
  return { k, vmemmap: gibVmemmap(k, section) };
}

/**
 * The state of hotAddedState with the section's vmemmap torn down (with the v5.7 policy) except for its
 * first leaf, which the explored hot-remove then removes.
 */
export function raceState(machine: Machine, state: RaceState): { k: Kernel; leaf: [Kva, Kva] } {
  const { k, vmemmap } = hotAddedState(machine, state);
  const [vs, ve] = vmemmap;
  const leafEnd = vs + vmemmapLeafLevel(k).entrySize;
  runToEnd(vmemmapFree(k, leafEnd, ve, { policy: 'v5.7', actor: 'setup' }));
  return { k, leaf: [vs, leafEnd] };
}

/**
 * The constructed state's kernel: nothing of boot mapped, PHYS_OFFSET at 1G and boot memory above
 * it, so the first DRAM section is hot-pluggable and no boot structure pins a table.
 */
export function constructedKernel(machine: Machine): Kernel {
  return new Kernel({
    ...machineOptions(machine),
    bare: true,
    physOffset: GiB,
    bootBase: 2 * GiB,
    bootSize: GiB,
    rodataFull: false,
  });
}

/** The struct pages of the 1G hot-added at `pa`: one section's in v5.7, eight memory blocks' from v5.12. */
export function gibVmemmap(k: Kernel, pa: number): [Kva, Kva] {
  return [k.vmemmapVa(pa / k.geo.pageSize), k.vmemmapVa((pa + GiB) / k.geo.pageSize)];
}

/** The lowest section above boot memory whose vmemmap leaves fill a leaf table no boot struct page shares. */
function firstSectionWithOwnLeafTable(k: Kernel): number {
  const span = vmemmapLeafLevel(k).tableSpan;
  const bootEnd = k.vmemmapVa((k.physOffset + GiB) / k.geo.pageSize);
  const own = Math.ceil(bootEnd / span) * span;
  const pa = k.physOffset + ((own - k.layout.vmemmapStart) / k.geo.structPageSize) * k.geo.pageSize;
  return Math.ceil(pa / GiB) * GiB;
}

/** The highest page-aligned address of the vmalloc space where one page fits below VMALLOC_END's guard. */
export function vmallocTop(k: Kernel): Kva {
  return k.layout.vmallocEnd - 2 * k.geo.pageSize;
}

/** vmemmap_free of the section's last vmemmap leaf ‖ vmalloc of one page at the top of the vmalloc space. */
export function sharedTableRace(
  machine: Machine,
  policy: FreeingPolicy | string,
  state: RaceState,
  detectors?: readonly DetectorKind[],
): Scenario {
  const { k, leaf } = raceState(machine, state);
  return {
    name: `vmemmap_free ‖ vmalloc on ${k.geo.name} (${state} state)`,
    initial: k,
    detectors,
    actors: (c) => [
      hotRemoveActor(c, { caller: 'vmemmap_free', start: leaf[0], end: leaf[1], policy }),
      vmallocActor(c, vmallocTop(c), c.geo.pageSize),
    ],
  };
}

/** vmemmap_free ‖ a ptdump walker over the same vmemmap: the debugfs dump (locked) or the W+X check (not). */
export function ptdumpRace(
  machine: Machine,
  policy: FreeingPolicy | string,
  walker: PtdumpWalker,
  state: RaceState = 'real',
): Scenario {
  const { k, leaf } = raceState(machine, state);
  const how = walker === 'ptdump' ? 'holding mem_hotplug_lock' : 'without mem_hotplug_lock';
  return {
    name: `vmemmap_free ‖ ${walker} ${how} on ${k.geo.name}`,
    initial: k,
    detectors: ['use-after-free', 'stale-walk', 'lost-mapping', 'double-free', 'kernel-warning'],
    actors: (c) => [
      hotRemoveActor(c, { caller: 'vmemmap_free', start: leaf[0], end: leaf[1], policy }),
      ptdumpActor(c, leaf[0], leaf[1], walker),
    ],
  };
}

/** vmemmap_free ‖ a CPU touching the removed vmemmap, whose walk cache already holds the path there. */
export function staleWalkRace(machine: Machine, policy: FreeingPolicy | string, state: RaceState = 'real'): Scenario {
  const { k, leaf } = raceState(machine, state);
  mmuTranslate(k.pt, leaf[0], 'cpu');
  return {
    name: `vmemmap_free ‖ a CPU access through the walk cache on ${k.geo.name}`,
    initial: k,
    actors: (c) => [
      hotRemoveActor(c, { caller: 'vmemmap_free', start: leaf[0], end: leaf[1], policy }),
      cpuAccessActor(c, leaf[0]),
    ],
  };
}

/**
 * hot-remove ‖ vmalloc ‖ a ptdump walker, each running its whole program: vmemmap_free of one whole
 * section's struct pages (the section of hotAddedState; pass 1 over every leaf, then pass 2), vmalloc of
 * one page at the top of the vmalloc space, and the walker over the section's vmemmap. The caller is
 * vmemmap_free and not the linear map's __remove_pgd_mapping: one section's struct pages are 8 PMD blocks
 * on 4K and 16 pages on 64K, where a page-mapped 1 GiB of linear map is 2^18 PTEs on 4K (2^14 on 64K),
 * each cleared and flushed on its own — a single schedule of that length is already longer than the
 * whole search here.
 */
export function sectionRace(
  machine: Machine,
  policy: FreeingPolicy | string,
  walker: PtdumpWalker,
  state: RaceState,
): Scenario {
  const { k, vmemmap } = hotAddedState(machine, state);
  const [vs, ve] = vmemmap;
  const how = walker === 'ptdump' ? 'holding' : 'without';
  return {
    name: `vmemmap_free of a section ‖ vmalloc ‖ ${walker} ${how} mem_hotplug_lock on ${k.geo.name} (${state} state)`,
    initial: k,
    actors: (c) => [
      hotRemoveActor(c, { caller: 'vmemmap_free', start: vs, end: ve, policy }),
      vmallocActor(c, vmallocTop(c), c.geo.pageSize),
      ptdumpActor(c, vs, ve, walker),
    ],
  };
}
