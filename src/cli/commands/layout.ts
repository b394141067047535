import { layout } from '../../arch/layout';
import { layoutJson } from '../../present/layout-json';
import { renderLayoutText } from '../../present/layout-text';
import { type Command, EXIT } from '../command';
import { KERNEL_OPTIONS, kernelGeometry } from './kernel-input';

/** `layout`: the geometry and kernel VA layout of one configuration, as text or JSON. */
export const layoutCommand: Command = {
  name: 'layout',
  summary: 'geometry and kernel VA layout of one configuration in one era',
  description:
    'Prints the page-table geometry (levels, shifts, entries, folded levels, CONT runs, section size)\n' +
    'and the kernel VA layout as Documentation/arm64/memory.rst tabulates it, then every layout\n' +
    "symbol and whether vmalloc's end shares a PGD entry with vmemmap. --era picks the kernel whose\n" +
    'formulas (and section size) are used: v5.7, v6.1 (the v5.11 layout) or v6.12 (the v6.9 layout).',
  options: [
    ...KERNEL_OPTIONS,
    { name: 'kasan', help: 'generic KASAN with the Kconfig default shadow offset' },
    { name: 'guards', help: 'also list the user half, gaps and guard regions, as memory.rst does' },
    { name: 'json', help: 'print the JSON document instead of text' },
  ],
  run(args, io) {
    const lay = layout(kernelGeometry(args), { kasan: args.flags.has('kasan') });
    io.out(
      args.flags.has('json')
        ? `${JSON.stringify(layoutJson(lay), null, 2)}\n`
        : renderLayoutText(lay, { guards: args.flags.has('guards') }),
    );
    return EXIT.ok;
  },
};
