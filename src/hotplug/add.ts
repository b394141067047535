import { physHex } from '../arch/address';
import { PAGE_KERNEL } from '../arch/descriptor';
import type { Geometry } from '../arch/geometry';
import { formatSize } from '../arch/size';
import { HotplugError, OutOfMemoryError } from '../errors';
import { createPgdMapping } from '../mappings/create-mapping';
import type { Kernel } from '../mappings/kernel';
import { vmemmapPopulate } from '../mappings/vmemmap';
import { Altmap } from '../memory/altmap';
import { runToEnd } from '../tables/step';
import { removePgdMapping, sectionVmemmap, type TeardownReport } from './remove';

export interface AddOptions {
  /** Carve the vmemmap backing out of the hot-added memory (vmem_altmap, as arm64 supports it after v5.7). */
  readonly altmap?: boolean;
  /** Inject an -ENOMEM from populating the vmemmap of the n-th section of the range (0-based). */
  readonly failAtSection?: number;
  readonly actor?: string;
}

export interface AddReport {
  readonly start: number;
  readonly size: number;
  readonly mark: number;
  /** Set when the add failed and the linear map was torn down again. */
  readonly rollback?: TeardownReport;
  readonly error?: OutOfMemoryError;
}

/**
 * arch_add_memory: check the range (section-aligned, inside the linear map's reach — the later
 * kernels' arch_get_mappable_range — and not overlapping present memory); map it into the linear map
 * with v5.7's flags; populate the vmemmap section by section (__add_pages). If that fails, tear the
 * new linear map down with the same floor/ceiling as removal and return the error.
 */
export function archAddMemory(k: Kernel, start: number, size: number, options: AddOptions = {}): AddReport {
  checkAddable(k, start, size);
  const actor = options.actor ?? 'hot-add';
  const mark = k.pt.trace.mark();
  const sec = k.geo.sectionSize;
  const count = size / sec;
  const altmap = options.altmap
    ? new Altmap(k.mem, start / k.geo.pageSize, (count * k.sectionVmemmapSize) / k.geo.pageSize)
    : undefined;
  createPgdMapping(k.pt, {
    phys: start,
    virt: k.linearVa(start),
    size,
    prot: PAGE_KERNEL,
    flags: k.linearFlags,
    actor,
  });
  for (let i = 0; i < count; i++) k.mem.addBlock('hotplug', start + i * sec, sec);
  for (let i = 0; i < count; i++) {
    const nr = k.sectionOf(start) + i;
    const [vs, ve] = sectionVmemmap(k, nr);
    try {
      if (options.failAtSection === i) throw injected(start + i * sec);
      vmemmapPopulate(k, vs, ve, altmap, actor);
    } catch (error) {
      if (error instanceof OutOfMemoryError) return rollback(k, start, size, mark, i, error, actor);
      throw error;
    }
    k.sections.set(nr, { nr, boot: false });
    if (altmap) k.altmaps.set(nr, altmap);
  }
  return { start, size, mark };
}

/** The error path: sections already added stay (as __add_pages leaves them); the linear map goes. */
function rollback(
  k: Kernel,
  start: number,
  size: number,
  mark: number,
  failed: number,
  error: OutOfMemoryError,
  actor: string,
): AddReport {
  const report = runToEnd(removePgdMapping(k, k.pt.pgd, k.linearVa(start), size, { actor }));
  const sec = k.geo.sectionSize;
  for (let i = failed; i < size / sec; i++) k.mem.removeBlock(start + i * sec, sec);
  return { start, size, mark, rollback: report, error };
}

function injected(section: number): OutOfMemoryError {
  return new OutOfMemoryError('populating the vmemmap of a hot-added section failed (injected -ENOMEM)', {
    section: physHex(section),
  });
}

/** The rule of check_hotplug_memory_range (add_memory_resource and __remove_memory both call it). */
const WHOLE_SECTIONS = 'memory is hot-added and hot-removed in whole, aligned sections';

/** check_hotplug_memory_range: a section-aligned start and a size of whole sections, not empty. */
export function checkHotplugRange(geo: Geometry, start: number, size: number): void {
  const section = formatSize(geo.sectionSize);
  if (start % geo.sectionSize !== 0) throw new HotplugError(WHOLE_SECTIONS, { start: physHex(start), section });
  if (!(size > 0 && size % geo.sectionSize === 0)) {
    throw new HotplugError(WHOLE_SECTIONS, { size: formatSize(size), section });
  }
}

function checkAddable(k: Kernel, start: number, size: number): void {
  checkHotplugRange(k.geo, start, size);
  const reach = k.layout.pageEnd - k.layout.pageOffset;
  if (start < k.physOffset || start + size > k.physOffset + reach) {
    throw new HotplugError('hot-added memory must lie inside the linear map’s reach (arch_get_mappable_range)', {
      start: physHex(start),
      end: physHex(start + size),
      first: physHex(k.physOffset),
      last: physHex(k.physOffset + reach),
    });
  }
  k.mem.checkRoom(size, k.pt.trace.recording);
  const clash = k.mem.blocks.find((b) => start < b.base + b.size && b.base < start + size);
  if (clash) {
    throw new HotplugError('hot-added memory must not overlap present memory', {
      start: physHex(start),
      size,
      present: physHex(clash.base),
    });
  }
}
