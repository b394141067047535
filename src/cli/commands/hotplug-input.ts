import { parseHex, toPhys } from '../../arch/address';
import { type Geometry, geometryOptions } from '../../arch/geometry';
import { formatSize, parseSize } from '../../arch/size';
import { OutOfMemoryError } from '../../errors';
import { type AddReport, archAddMemory, checkHotplugRange } from '../../hotplug/add';
import { checkKernelOptions, Kernel } from '../../mappings/kernel';
import { checkRoom } from '../../memory/physmem';
import { checked, type ParsedArgs } from '../args';
import { kernelGeometry } from './kernel-input';

/** The machine and the range of `add` and `remove`, every value checked. */
export interface HotplugInput {
  readonly geo: Geometry;
  /** Physical start of the range. */
  readonly start: number;
  readonly size: number;
  readonly bootSize: number;
  readonly altmap: boolean;
  /** Record the removal's events (`--trace`); boot and hot-add are never recorded by the command line. */
  readonly trace: boolean;
}

/**
 * Reads --config, --era, --no-lpa2, --start, --size and --boot-size and refuses a bad one before anything is built:
 * the range whole sections (check_hotplug_memory_range), boot memory and the range within what the
 * model holds. Each refusal names its option.
 */
export function hotplugInput(args: ParsedArgs): HotplugInput {
  const text = (name: string): string => args.values.get(name) ?? '';
  const geo = kernelGeometry(args);
  const start = checked('start', () => toPhys(geo, parseHex(text('start'))));
  const size = checked('size', () => parseSize(text('size')));
  checked(['start', 'size'], () => checkHotplugRange(geo, start, size));
  const bootSize = checked('boot-size', () => parseSize(text('boot-size')));
  const trace = args.flags.has('trace');
  checked('boot-size', () => checkKernelOptions({ config: geo.name, ...geometryOptions(geo), bootSize, trace }));
  checked('size', () => checkRoom(geo, bootSize / geo.pageSize, size, trace));
  return { geo, start, size, bootSize, altmap: args.flags.has('altmap'), trace };
}

/** Boots the model kernel on the input's boot memory; a boot that runs out of it is refused, naming --boot-size. */
export function bootKernel(input: HotplugInput): Kernel {
  try {
    return new Kernel({
      config: input.geo.name,
      ...geometryOptions(input.geo),
      bootSize: input.bootSize,
      trace: false,
    });
  } catch (error) {
    if (!(error instanceof OutOfMemoryError)) throw error;
    throw new OutOfMemoryError(
      '--boot-size: boot memory holds the kernel image and the tables and struct pages the boot allocates',
      { 'boot-size': formatSize(input.bootSize) },
      error.message,
    );
  }
}

/**
 * arch_add_memory of the input's range. A refusal names --start or --size; a hot-add that ran out of
 * memory and rolled back is refused too, naming --boot-size: the request asked more of boot memory
 * than it holds, and the state is as before.
 */
export function addRange(k: Kernel, input: HotplugInput): AddReport {
  const report = checked(['start', 'size'], () => archAddMemory(k, input.start, input.size, { altmap: input.altmap }));
  if (report.error) {
    throw new OutOfMemoryError(
      '--boot-size: boot memory holds the tables and struct pages the hot-add allocates; arch_add_memory ran out and rolled back',
      { 'boot-size': formatSize(input.bootSize), size: formatSize(input.size) },
    );
  }
  return report;
}
