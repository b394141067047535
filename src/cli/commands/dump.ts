import { geometry, geometryOptions } from '../../arch/geometry';
import { layout, type RegionKey } from '../../arch/layout';
import { Kernel } from '../../mappings/kernel';
import { checkRegions, type PtdumpOptions, ptdump, ptdumpJson } from '../../present/ptdump';
import { checked } from '../args';
import { type Command, EXIT } from '../command';
import { KERNEL_OPTIONS, kernelGeometry } from './kernel-input';

/** Every region key a layout can have (the KASAN shadow only with KASAN). */
const REGION_KEYS = layout(geometry('4K/48'), { kasan: true }).regions.map((r) => r.key);

/** `dump`: the boot page tables of one configuration in the format of arm64 `kernel_page_tables`. */
export const dumpCommand: Command = {
  name: 'dump',
  summary: 'boot page tables of one configuration, as /sys/kernel/debug/kernel_page_tables',
  description:
    'Boots the model kernel (2 GiB of memory at 0x40000000, rodata_full: a page-mapped linear map) and\n' +
    'walks every level of its page tables as arm64 ptdump does: one line per run of entries with\n' +
    'the same level and attributes, between the markers of the VA layout of the era.',
  options: [
    ...KERNEL_OPTIONS,
    { name: 'kasan', help: 'generic KASAN with the Kconfig default shadow offset' },
    { name: 'region', value: 'NAME', help: `dump one region only: ${REGION_KEYS.join(', ')}` },
    { name: 'json', help: 'print the runs as JSON instead of text' },
  ],
  run(args, io) {
    const geo = kernelGeometry(args);
    const kasan = args.flags.has('kasan');
    const region = args.values.get('region');
    if (region !== undefined) checked('region', () => checkRegions(layout(geo, { kasan }), [region]));
    const options: PtdumpOptions = region === undefined ? {} : { regions: [region as RegionKey] };
    const kernel = new Kernel({ config: geo.name, ...geometryOptions(geo), kasan });
    io.out(
      args.flags.has('json') ? `${JSON.stringify(ptdumpJson(kernel, options), null, 2)}\n` : ptdump(kernel, options),
    );
    return EXIT.ok;
  },
};
