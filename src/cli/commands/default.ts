import type { Command } from '../command';
import { dumpCommand } from './dump';
import { layoutCommand } from './layout';

/**
 * What runs when no subcommand is given: each of these in order, sharing one command line. This is
 * the one place to extend the default output (the boot page-table dump goes after the layout).
 */
const DEFAULT_SECTIONS: readonly Command[] = [layoutCommand, dumpCommand];

export const defaultCommand: Command = {
  name: DEFAULT_SECTIONS.map((c) => c.name).join(' + '),
  summary: 'the default output',
  description: `With no subcommand: ${DEFAULT_SECTIONS.map((c) => c.name).join(', then ')}.`,
  options: DEFAULT_SECTIONS.flatMap((c) => c.options).filter(
    (o, i, all) => all.findIndex((p) => p.name === o.name) === i,
  ),
  async run(args, io) {
    for (const [i, section] of DEFAULT_SECTIONS.entries()) {
      if (i > 0) io.out('\n');
      const code = await section.run(args, io);
      if (code !== 0) return code;
    }
    return 0;
  },
};
