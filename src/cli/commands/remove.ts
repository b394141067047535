import { fromKva, hex64, type Kva, kvaHex, physHex } from '../../arch/address';
import { formatSize } from '../../arch/size';
import { brokenInvariants } from '../../hotplug/invariants';
import { type FreeingPolicy, POLICIES, policyNamed } from '../../hotplug/policy';
import type { RangeVerdict } from '../../hotplug/range-aligned';
import { archRemoveMemory, type TableDecision, type TeardownReport } from '../../hotplug/remove';
import { strandedTables } from '../../hotplug/worst-case';
import type { Kernel } from '../../mappings/kernel';
import { columns } from '../../present/story-text';
import type { TraceEvent } from '../../tables/trace';
import { checked } from '../args';
import { type Command, EXIT } from '../command';
import { addRange, bootKernel, type HotplugInput, hotplugInput } from './hotplug-input';
import { KERNEL_OPTIONS } from './kernel-input';

/** What `remove` did: the kernel after the removal, the removal's report and the state it left. */
export interface RemovalRun {
  readonly k: Kernel;
  readonly start: number;
  readonly size: number;
  readonly altmap: boolean;
  readonly policy: FreeingPolicy;
  readonly parts: readonly TeardownReport[];
  /** The removal's events, when traced. */
  readonly trace?: readonly TraceEvent[];
  /** Kept tables that map nothing any more. */
  readonly leftBehind: readonly TableDecision[];
  readonly broken: readonly string[];
}

export interface RemovalRequest extends HotplugInput {
  readonly policy: FreeingPolicy;
}

/** Boots a kernel, hot-adds the range (arch_add_memory), then removes it (arch_remove_memory) under a policy. */
export function hotRemove(req: RemovalRequest): RemovalRun {
  const { start, policy } = req;
  const k = bootKernel(req);
  addRange(k, req);
  k.pt.trace.recording = req.trace;
  const report = archRemoveMemory(k, start, req.size, { policy });
  return {
    k,
    start,
    size: req.size,
    altmap: req.altmap,
    policy,
    parts: report.parts,
    trace: req.trace ? k.pt.trace.since(report.mark) : undefined,
    leftBehind: strandedTables(k, report.parts),
    broken: brokenInvariants(k),
  };
}

const VERDICT_WORDS: Record<RangeVerdict, string> = {
  eligible: 'eligible',
  'below-floor': 'below floor',
  'ceiling-rounds-to-zero': 'ceiling rounds to 0',
  'beyond-ceiling': 'beyond ceiling',
};

/** The reason a table was kept, with the test that failed or the live entries it still holds. */
function reasonText(d: TableDecision): string {
  if (d.verdict) return `${d.reason} (${VERDICT_WORDS[d.verdict]})`;
  if (d.live !== undefined) return `${d.reason} (${d.live} live)`;
  return d.reason;
}

/** The layout symbol or range edge a floor or ceiling is, in words. */
function boundName(k: Kernel, part: TeardownReport, value: bigint, isCeiling: boolean): string {
  if (value === 0n) return isCeiling ? 'the top of the address space' : 'no floor';
  const { layout: l } = k;
  const named: [string, Kva][] = [
    ['VMEMMAP_START', l.vmemmapStartConst],
    ['VMEMMAP_END', l.vmemmapEnd],
    ['PAGE_OFFSET', l.pageOffsetConst],
    ['PAGE_END', l.pageEnd],
    ['start of the range', part.start],
    ['end of the range', part.end],
  ];
  return named.find(([, kva]) => fromKva(k.geo, kva) === value)?.[0] ?? '';
}

function tableRows(k: Kernel, decisions: readonly TableDecision[]): string[] {
  return columns([
    ['level', 'table page', 'maps', 'span', 'result', 'reason'],
    ...decisions.map((d) => [
      d.level,
      physHex(d.pfn * k.geo.pageSize),
      kvaHex(k.geo, d.va),
      formatSize(d.span),
      d.freed ? 'freed' : 'kept',
      d.freed ? '' : reasonText(d),
    ]),
  ]);
}

function partText(k: Kernel, part: TeardownReport): string[] {
  const bound = (label: string, value: bigint, isCeiling: boolean) =>
    `  ${label} ${hex64(value)}  ${boundName(k, part, value, isCeiling)}`.trimEnd();
  return [
    `${part.caller} [${kvaHex(k.geo, part.start)}, ${kvaHex(k.geo, part.end)})`,
    bound('floor  ', part.floor, false),
    bound('ceiling', part.ceiling, true),
    ...(part.decisions.length ? tableRows(k, part.decisions) : ['  no table under the range']),
    '',
  ];
}

/** Decisions counted per level, in level order, as `PTE 512, PMD 1`. */
function perLevel(k: Kernel, decisions: readonly TableDecision[]): string {
  const counts = k.geo.levels
    .map((l) => [l.name, decisions.filter((d) => d.level === l.name).length] as const)
    .filter(([, n]) => n > 0);
  return counts.length ? counts.map(([name, n]) => `${name} ${n}`).join(', ') : 'none';
}

/** One line per event of the removal, in the domain's words. */
export function eventText(k: Kernel, e: TraceEvent): string {
  const at = e.va === undefined ? '' : kvaHex(k.geo, e.va);
  const page = e.pfn === undefined ? '' : physHex(e.pfn * k.geo.pageSize);
  switch (e.op) {
    case 'clear':
      return `${e.actor} clears ${e.level}[${e.index}] in table ${page} (maps ${at})`;
    case 'invalidate-tlb':
      return `${e.actor} invalidates the TLB entry for ${at}`;
    case 'invalidate-walk':
      return `${e.actor} invalidates cached walks for ${at}`;
    case 'invalidate-all':
      return `${e.actor} invalidates the whole TLB`;
    case 'free':
      return e.note === 'table page'
        ? `${e.actor} frees the ${e.level} table page ${page}`
        : `${e.actor} frees ${e.note} at ${page}${at ? ` (mapped at ${at})` : ''}`;
    default:
      return `${e.actor} ${e.op} ${e.level ?? ''} ${page} ${at}`.replace(/ +/g, ' ').trim();
  }
}

/** The text report: what was removed, per caller the tables and why, a summary, and the trace if any. */
export function removalText(run: RemovalRun): string {
  const { k } = run;
  const all = run.parts.flatMap((p) => p.decisions);
  const freed = all.filter((d) => d.freed);
  const kept = all.filter((d) => !d.freed);
  const lines = [
    `arch_remove_memory(${physHex(run.start)}, ${formatSize(run.size)}) on ${k.geo.name}, policy ${run.policy.name}: ${run.policy.summary}`,
    `hot-added first, ${k.rodataFull ? 'page-mapped (rodata_full)' : 'block-mapped'}, vmemmap backed by ${run.altmap ? 'an altmap' : 'the page allocator'}`,
    '',
    ...run.parts.flatMap((p) => partText(k, p)),
    `tables freed: ${freed.length} (${perLevel(k, freed)})`,
    `tables kept: ${kept.length} (${perLevel(k, kept)})`,
    `left behind, mapping nothing: ${run.leftBehind.length} (${perLevel(k, run.leftBehind)})`,
    run.broken.length ? `broken invariants:\n${run.broken.map((b) => `  ${b}`).join('\n')}` : 'invariants: all hold',
  ];
  const trace = run.trace ? ['', `trace (${run.trace.length} events):`, ...run.trace.map((e) => eventText(k, e))] : [];
  return `${lines.concat(trace).join('\n')}\n`;
}

/** The JSON document: a stable shape, every address as 0x and 16 (virtual) or 12 (physical) hex digits. */
export function removalJson(run: RemovalRun) {
  const { k } = run;
  const table = (d: TableDecision) => ({
    level: d.level,
    table: physHex(d.pfn * k.geo.pageSize),
    va: kvaHex(k.geo, d.va),
    span: d.span,
    freed: d.freed,
    reason: d.reason,
    verdict: d.verdict ?? null,
    live: d.live ?? null,
  });
  return {
    config: k.geo.name,
    policy: run.policy.name,
    start: physHex(run.start),
    size: run.size,
    pageMapped: k.rodataFull,
    altmap: run.altmap,
    parts: run.parts.map((p) => ({
      caller: p.caller,
      start: kvaHex(k.geo, p.start),
      end: kvaHex(k.geo, p.end),
      floor: hex64(p.floor),
      ceiling: hex64(p.ceiling),
      tables: p.decisions.map(table),
    })),
    leftBehind: run.leftBehind.map(table),
    broken: run.broken,
    trace: run.trace?.map((e) => ({ op: e.op, actor: e.actor, text: eventText(k, e) })) ?? null,
  };
}

/** `remove`: hot-add a range, hot-remove it under a freeing policy, and show every table decision. */
export const removeCommand: Command = {
  name: 'remove',
  summary: 'hot-add then hot-remove a range: the tables freed and kept, and why',
  description:
    'Boots the model kernel (boot memory at 0x40000000, rodata_full: page-mapped), hot-adds the range with\n' +
    'arch_add_memory, removes it with arch_remove_memory under a table-freeing policy, and prints, per\n' +
    'caller (vmemmap_free of each section, then __remove_pgd_mapping) with its floor and ceiling, every\n' +
    'table pass 2 looked at: freed, or kept and why. Exit code 1 if an invariant broke.',
  options: [
    ...KERNEL_OPTIONS,
    { name: 'policy', value: 'P', default: 'v5.7', help: `table-freeing policy: ${Object.keys(POLICIES).join(', ')}` },
    { name: 'start', value: 'PA', default: '0x200000000', help: 'physical start of the range, section-aligned' },
    {
      name: 'size',
      value: 'S',
      default: '1G',
      help: 'size of the range, whole sections (1G each in v5.7; 128M, or 512M on 64K, from v6.1)',
    },
    { name: 'boot-size', value: 'S', default: '2G', help: 'boot memory at 0x40000000' },
    { name: 'altmap', help: 'back the vmemmap with the hot-added memory itself (vmem_altmap, after v5.7)' },
    { name: 'trace', help: 'also print every event of the removal, one per line' },
    { name: 'json', help: 'print a JSON document instead of text' },
  ],
  run(args, io) {
    const input = hotplugInput(args);
    const policy = checked('policy', () => policyNamed(args.values.get('policy') ?? ''));
    const run = hotRemove({ ...input, policy });
    io.out(args.flags.has('json') ? `${JSON.stringify(removalJson(run), null, 2)}\n` : removalText(run));
    return run.broken.length ? EXIT.violation : EXIT.ok;
  },
};
