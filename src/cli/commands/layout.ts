import { geometry, SUPPORTED_CONFIGS } from '../../arch/geometry';
import { LAYOUT_ERAS, layout } from '../../arch/layout';
import { layoutJson } from '../../present/layout-json';
import { renderLayoutText } from '../../present/layout-text';
import { checked } from '../args';
import { type Command, EXIT } from '../command';

/** `layout`: the geometry and kernel VA layout of one configuration, as text or JSON. */
export const layoutCommand: Command = {
  name: 'layout',
  summary: 'geometry and kernel VA layout of one configuration',
  description:
    'Prints the page-table geometry (levels, shifts, entries, folded levels, CONT runs, section size)\n' +
    'and the kernel VA layout as Documentation/arm64/memory.rst tabulates it, then every layout\n' +
    "symbol and whether vmalloc's end shares a PGD entry with vmemmap.",
  options: [
    { name: 'config', value: 'C', default: '4K/48', help: `configuration: ${SUPPORTED_CONFIGS.join(', ')}` },
    { name: 'kasan', help: 'generic KASAN with the Kconfig default shadow offset' },
    { name: 'era', value: 'E', default: 'v5.7', help: `layout era: ${Object.keys(LAYOUT_ERAS).join(', ')}` },
    { name: 'guards', help: 'also list the user half, gaps and guard regions, as memory.rst does' },
    { name: 'json', help: 'print the JSON document instead of text' },
  ],
  run(args, io) {
    const geo = checked('config', () => geometry(args.values.get('config') ?? ''));
    const lay = checked('era', () => layout(geo, { kasan: args.flags.has('kasan'), era: args.values.get('era') }));
    io.out(
      args.flags.has('json')
        ? `${JSON.stringify(layoutJson(lay), null, 2)}\n`
        : renderLayoutText(lay, { guards: args.flags.has('guards') }),
    );
    return EXIT.ok;
  },
};
