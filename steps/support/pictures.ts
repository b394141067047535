import { type Kva, kvaHex } from '../../src/arch/address';
import { type Region, regionOf } from '../../src/arch/layout';
import type { AddReport } from '../../src/hotplug/add';
import type { TeardownReport } from '../../src/hotplug/remove';
import type { Kernel } from '../../src/mappings/kernel';
import { type TreePictureOptions, treePicture } from '../../src/present/svg/tree-picture';
import type { SpecWorld } from './world';

// The before/after pictures of a change, attached from the step that made it so the HTML report shows
// them under that step (a hook's attachments sit apart, folded away), as a Buffer with its media type
// (an SVG attached as a string does not render).

/** The hotplug records as they were before a change, to tell what the change itself reported. */
export interface RecordsBefore {
  readonly teardowns: readonly TeardownReport[];
  readonly added?: AddReport;
}

export function recordsBefore(world: SpecWorld): RecordsBefore {
  return { teardowns: world.hotplug.lastTeardowns, added: world.hotplug.added };
}

/**
 * One picture per teardown the change ran (its range, floor/ceiling and decisions); otherwise one per
 * region whose entries the change wrote, installed or cleared. A change that wrote no entry gets none.
 */
export function attachChangePictures(world: SpecWorld, seen: RecordsBefore): void {
  const k = world.kernel;
  const before = [...world.last.tables.values()];
  const teardowns = world.hotplug.lastTeardowns;
  const pictures =
    teardowns !== seen.teardowns
      ? teardowns.map((r) => teardownPicture(k, r))
      : rangePictures(k, world, world.hotplug.added !== seen.added);
  for (const p of pictures) {
    const svg = treePicture(before, k, p);
    world.attach(Buffer.from(svg), { mediaType: 'image/svg+xml', fileName: `${p.title}.svg` });
  }
}

function rangePictures(k: Kernel, world: SpecWorld, hotAdd: boolean): TreePictureOptions[] {
  return changedRanges(k, world).map(([region, start, end]) => ({
    title: `${hotAdd ? 'hot-add' : 'change'} in ${region}: [${kvaHex(k.geo, start)}, ${kvaHex(k.geo, end)})`,
    start,
    end,
    rangeLabel: hotAdd ? 'added' : 'changed',
  }));
}

function teardownPicture(k: Kernel, r: TeardownReport): TreePictureOptions {
  return {
    title: `${r.caller} [${kvaHex(k.geo, r.start)}, ${kvaHex(k.geo, r.end)})`,
    start: r.start,
    end: r.end,
    bounds: { floor: r.floor, ceiling: r.ceiling },
    decisions: r.decisions,
  };
}

/** The span of the entries a change wrote, installed or cleared, per region of the layout, bottom first. */
function changedRanges(k: Kernel, world: SpecWorld): [string, Kva, Kva][] {
  const spans = new Map<Region | undefined, [Kva, Kva]>();
  const entrySize = Object.fromEntries(k.geo.levels.map((l) => [l.name, l.entrySize]));
  let region: Region | undefined;
  let span: [Kva, Kva] | undefined;
  world.scanEvents((e) => {
    if (e.va === undefined || !e.level || (e.op !== 'write' && e.op !== 'install' && e.op !== 'clear')) return;
    if (!span || !region || e.va < region.start || e.va >= region.end) {
      region = regionOf(k.layout, e.va);
      span = spans.get(region) ?? [e.va, e.va];
      spans.set(region, span);
    }
    span[0] = Math.min(span[0], e.va);
    span[1] = Math.max(span[1], e.va + (entrySize[e.level] ?? k.geo.pageSize));
  });
  return [...spans]
    .map(([r, [start, end]]) => [r?.name ?? 'no region', start, end] as [string, Kva, Kva])
    .sort((a, b) => a[1] - b[1]);
}
