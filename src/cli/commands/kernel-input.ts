import { ALL_CONFIGS, ERA_NAMES } from '../../arch/era';
import { type Geometry, geometry } from '../../arch/geometry';
import { checked, type OptionSpec, type ParsedArgs } from '../args';

/** --config, --era and --no-lpa2: which kernel the model stands for; every subcommand takes them. */
export const KERNEL_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'config',
    value: 'C',
    default: '4K/48',
    help: `configuration: ${ALL_CONFIGS.join(', ')} (4K/52 and 16K/52 from v6.12)`,
  },
  { name: 'era', value: 'E', default: 'v5.7', help: `the kernel modelled: ${ERA_NAMES.join(', ')}` },
  {
    name: 'no-lpa2',
    help: 'a CPU without 52-bit VA (LPA2; LVA on 64K): a 52-bit kernel of v6.1 on runs with 48 bits (16K: 47)',
  },
];

/**
 * The geometry of --config in --era, on a CPU without 52-bit VA when --no-lpa2 is given. A refusal names
 * --era for an unknown era, --config for a configuration the era does not build, --no-lpa2 otherwise.
 */
export function kernelGeometry(args: ParsedArgs): Geometry {
  const config = args.values.get('config') ?? '';
  const era = args.values.get('era');
  const geo = checked(['config', 'era'], () => geometry(config, { era }));
  return args.flags.has('no-lpa2') ? checked('no-lpa2', () => geometry(config, { era, lpa2: false })) : geo;
}
