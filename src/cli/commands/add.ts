import { type Kva, kvaHex, physHex } from '../../arch/address';
import { formatSize } from '../../arch/size';
import { brokenInvariants } from '../../hotplug/invariants';
import { sectionVmemmap } from '../../hotplug/remove';
import type { Kernel } from '../../mappings/kernel';
import { type PtdumpJson, ptdump, ptdumpJson } from '../../present/ptdump';
import { reachableTables, type TableNode } from '../../tables/tree';
import { type Command, EXIT } from '../command';
import { addRange, bootKernel, type HotplugInput, hotplugInput } from './hotplug-input';
import { KERNEL_OPTIONS } from './kernel-input';

/** What `add` did: the kernel after the hot-add, the ranges it mapped and the table pages it allocated. */
export interface AddRun {
  readonly k: Kernel;
  readonly start: number;
  readonly size: number;
  readonly altmap: boolean;
  readonly linear: readonly [Kva, Kva];
  readonly sections: readonly { readonly nr: number; readonly vmemmap: readonly [Kva, Kva] }[];
  /** Table pages reachable after the hot-add and not before, parents first. */
  readonly allocated: readonly TableNode[];
  readonly broken: readonly string[];
}

/** Boots a kernel and hot-adds the range (arch_add_memory). */
export function hotAdd(req: HotplugInput): AddRun {
  const { start } = req;
  const k = bootKernel(req);
  const before = new Set(reachableTables(k.pt, 'add').map((n) => n.pfn));
  addRange(k, req);
  const sections = [];
  for (let pa = start; pa < start + req.size; pa += k.geo.sectionSize) {
    const nr = k.sectionOf(pa);
    sections.push({ nr, vmemmap: sectionVmemmap(k, nr) });
  }
  return {
    k,
    start,
    size: req.size,
    altmap: req.altmap,
    linear: [k.linearVa(start), k.linearVa(start + req.size)],
    sections,
    allocated: reachableTables(k.pt, 'add').filter((n) => !before.has(n.pfn)),
    broken: brokenInvariants(k),
  };
}

/** Table pages per level, in level order, as `PMD 1, PTE 512`. */
function perLevel(run: AddRun): string {
  const counts = run.k.geo.levels
    .map((l) => [l.name, run.allocated.filter((n) => n.level.name === l.name).length] as const)
    .filter(([, n]) => n > 0);
  return counts.length ? counts.map(([name, n]) => `${name} ${n}`).join(', ') : 'none';
}

/** The new mappings in ptdump format: the linear map, then the struct pages of the sections. */
function dumps(run: AddRun): { text: string; json: PtdumpJson[] } {
  const first = run.sections[0]?.vmemmap[0] ?? 0;
  const last = run.sections[run.sections.length - 1]?.vmemmap[1] ?? 0;
  const ranges = [
    { start: run.linear[0], end: run.linear[1] },
    { start: first, end: last },
  ];
  return {
    text: ranges.map((range) => ptdump(run.k, { range })).join(''),
    json: ranges.map((range) => ptdumpJson(run.k, { range })),
  };
}

/** The text report: what was mapped where, the tables allocated, the new mappings as ptdump shows them. */
export function additionText(run: AddRun): string {
  const { k } = run;
  const mapping = k.rodataFull ? 'page-mapped (rodata_full: NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS)' : 'block-mapped';
  const upper = run.allocated.filter((n) => n.level.name !== 'PTE');
  return [
    `arch_add_memory(${physHex(run.start)}, ${formatSize(run.size)}) on ${k.geo.name}: ${mapping}, vmemmap backed by ${run.altmap ? 'an altmap' : 'the page allocator'}`,
    `linear map  [${kvaHex(k.geo, run.linear[0])}, ${kvaHex(k.geo, run.linear[1])})`,
    ...run.sections.map(
      (s) => `vmemmap     [${kvaHex(k.geo, s.vmemmap[0])}, ${kvaHex(k.geo, s.vmemmap[1])})  section ${s.nr}`,
    ),
    `tables allocated: ${run.allocated.length} (${perLevel(run)})`,
    ...upper.map((n) => `  ${n.level.name} table ${physHex(n.pfn * k.geo.pageSize)} maps ${kvaHex(k.geo, n.va)}`),
    run.broken.length ? `broken invariants:\n${run.broken.map((b) => `  ${b}`).join('\n')}` : 'invariants: all hold',
    '',
    'the new mappings, as ptdump shows them:',
    dumps(run).text,
  ].join('\n');
}

/** The JSON document: addresses as 0x and 16 (virtual) or 12 (physical) hex digits. */
export function additionJson(run: AddRun) {
  const { k } = run;
  return {
    config: k.geo.name,
    start: physHex(run.start),
    size: run.size,
    pageMapped: k.rodataFull,
    altmap: run.altmap,
    linear: { start: kvaHex(k.geo, run.linear[0]), end: kvaHex(k.geo, run.linear[1]) },
    sections: run.sections.map((s) => ({
      nr: s.nr,
      vmemmap: { start: kvaHex(k.geo, s.vmemmap[0]), end: kvaHex(k.geo, s.vmemmap[1]) },
    })),
    tablesAllocated: run.allocated.map((n) => ({
      level: n.level.name,
      table: physHex(n.pfn * k.geo.pageSize),
      va: kvaHex(k.geo, n.va),
    })),
    ptdump: dumps(run).json.flatMap((d) => d.runs),
    broken: run.broken,
  };
}

/** `add`: boot, hot-add a range, and show what it mapped and the table pages it allocated. */
export const addCommand: Command = {
  name: 'add',
  summary: 'hot-add a range: the linear map and vmemmap it creates, and the table pages allocated',
  description:
    'Boots the model kernel (boot memory at 0x40000000, rodata_full: page-mapped), hot-adds the range with\n' +
    'arch_add_memory (the linear map with v5.7’s flags, then the struct pages of each section), and prints\n' +
    'the ranges mapped, every table page allocated above the PTE level, the count per level, and the new\n' +
    'mappings in ptdump format. Exit code 1 if an invariant broke.',
  options: [
    ...KERNEL_OPTIONS,
    { name: 'start', value: 'PA', default: '0x200000000', help: 'physical start of the range, section-aligned' },
    {
      name: 'size',
      value: 'S',
      default: '1G',
      help: 'size of the range, whole sections (1G each in v5.7; 128M, or 512M on 64K, from v6.1)',
    },
    { name: 'boot-size', value: 'S', default: '2G', help: 'boot memory at 0x40000000' },
    { name: 'altmap', help: 'back the vmemmap with the hot-added memory itself (vmem_altmap)' },
    { name: 'json', help: 'print a JSON document instead of text' },
  ],
  run(args, io) {
    const run = hotAdd(hotplugInput(args));
    io.out(args.flags.has('json') ? `${JSON.stringify(additionJson(run), null, 2)}\n` : additionText(run));
    return run.broken.length ? EXIT.violation : EXIT.ok;
  },
};
