// The story as readable text: one chapter per step, tables aligned, ptdump excerpts indented.
import type { CallerPart, DecisionGroup, NamedTable, RaceKind, RaceRun, Removal, Story } from './story';

/** Counts per level as `PUD 1, PMD 3, PTE 512` (levels with none left out), or `none`. */
export function levelCounts(counts: Readonly<Record<string, number>>): string {
  const parts = Object.entries(counts).filter(([, n]) => n > 0);
  return parts.length ? parts.map(([level, n]) => `${level} ${n}`).join(', ') : 'none';
}

/** Sum of counts per level. */
export function total(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** Rows of cells as aligned columns, indented (any number of rows: no argument list as long as the rows). */
export function columns(rows: readonly (readonly string[])[], indent = '  '): string[] {
  const widths = (rows[0] ?? []).map((_, i) => rows.reduce((w, r) => Math.max(w, (r[i] ?? '').length), 0));
  return rows.map((r) => `${indent}${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd());
}

const indent = (lines: readonly string[], by = '    '): string[] => lines.map((l) => `${by}${l}`);

/** A paragraph wrapped to the story's width, each line indented by two spaces. */
function paragraph(text: string, width = 106): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      out.push(`  ${line}`);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...out, `  ${line}`] : out;
}

/** Which floor or ceiling a value is, by the layout symbols and range ends the story uses. */
const BOUND_NAMES: Readonly<Record<string, string>> = {
  '0xffff000000000000': 'PAGE_OFFSET',
  '0xffff800000000000': 'PAGE_END',
  '0xfffffdffffe00000': 'VMEMMAP_START',
  '0xffffffffffe00000': 'VMEMMAP_END',
};

const ZERO = '0x0000000000000000';

function boundName(part: CallerPart, value: string, isCeiling: boolean): string {
  if (value === ZERO) return isCeiling ? 'none: the top of the address space' : 'none';
  if (value === part.start) return 'the start of the range';
  if (value === part.end) return 'the end of the range';
  return BOUND_NAMES[value] ?? '';
}

function tableWord(g: DecisionGroup): string {
  return `${g.count} ${g.level} table${g.count === 1 ? '' : 's'}`;
}

function groupRow(g: DecisionGroup): string[] {
  const where = g.from === g.to ? g.from : `${g.from} … ${g.to}`;
  return [g.freed ? 'freed' : 'kept', tableWord(g), where, g.reason];
}

function partText(part: CallerPart): string[] {
  const bound = (v: string, isCeiling: boolean) => {
    const name = boundName(part, v, isCeiling);
    return name ? `${v} (${name})` : v;
  };
  return [
    `${part.caller} [${part.start}, ${part.end})`,
    `  floor ${bound(part.floor, false)}, ceiling ${bound(part.ceiling, true)}`,
    ...(part.groups.length ? columns(part.groups.map(groupRow), '    ') : ['    no table under the range']),
  ];
}

function removalRow(r: Removal): string[] {
  const kept = total(r.kept);
  return [
    r.policy,
    `${total(r.freed)} (${levelCounts(r.freed)})`,
    kept ? `${kept} (${levelCounts(r.kept)})` : '0',
    r.leftBehind.length ? `${r.leftBehind.length} (${levelCounts(countLevels(r.leftBehind))})` : '0',
    r.broken.length ? `${r.broken.length} broken` : 'hold',
  ];
}

function countLevels(tables: readonly NamedTable[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of tables) out[t.level] = (out[t.level] ?? 0) + 1;
  return out;
}

function layoutChapter(s: Story): string[] {
  return [
    '1. The kernel VA layout (all of it: npm start -- layout)',
    ...indent(s.layout.rows, '  '),
    ...paragraph(`${s.layout.sharing}.`),
  ];
}

function bootChapter(s: Story): string[] {
  const b = s.boot;
  const shared = b.shared
    ? [
        `  The shared ${b.shared.level} table (${b.shared.span} from ${b.shared.va}) is ${b.shared.name ?? `the page ${b.shared.page}`},` +
          ` with ${b.shared.live} live entr${b.shared.live === 1 ? 'y' : 'ies'}.`,
        ...(b.shared.name
          ? [
              '  Static, and holding bm_pmd with the fixmap, it never empties in a real kernel: keep that in mind for 6.',
            ]
          : []),
      ]
    : [];
  return [
    '2. Boot',
    ...paragraph(
      `${b.memory.replace(' at ', ' of boot memory at ')}: small, so the story runs in a second (boot memory can never be removed, so its size changes nothing below). rodata_full is on, the v5.7 default: the linear map is page-mapped.`,
    ),
    `  Live table pages per level: ${levelCounts(b.liveTables)}. Static tables of the kernel image, never freed:`,
    ...columns(
      b.staticTables.map((t) => [t.name ?? '', `${t.level} table`, t.page, `maps from ${t.va}`]),
      '    ',
    ),
    ...shared,
  ];
}

function hotAddChapter(s: Story): string[] {
  const rows = s.hotAdd.sections.flatMap((x) => [
    [x.start, 'linear map', `${x.linear[0]} – ${x.linear[1]}`, `PGD entry ${x.pgdEntry}`],
    ['', 'struct pages', `${x.vmemmap[0]} – ${x.vmemmap[1]}`, ''],
  ]);
  const alone = s.hotAdd.sections.find((x) => x.start === s.removed.start);
  return [
    `3. Hot-add ${s.hotAdd.sections.length} sections of 1G (arch_add_memory)`,
    '  Page-mapped, as rodata_full asks (NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS); struct pages in 2M PMD blocks.',
    ...columns(rows, '    '),
    `  Tables allocated: ${levelCounts(s.hotAdd.tablesAllocated)}.`,
    ...(alone
      ? paragraph(
          `The section at ${alone.start} is alone: its linear map opens PGD entry ${alone.pgdEntry}, its struct pages fill ${alone.vmemmapTables.count} ${alone.vmemmapTables.level} table${alone.vmemmapTables.count === 1 ? '' : 's'} no other section uses. Removing it can free whole tables: that is where the policies differ.`,
        )
      : []),
  ];
}

function vmallocChapter(s: Story): string[] {
  const v = s.vmalloc;
  return [
    '4. A vmalloc into the shared region',
    ...paragraph(
      `vmalloc of one page at ${v.va}, just below VMALLOC_END. Its walk reads ${v.path}, ${v.throughShared ? 'through the table vmalloc shares with vmemmap, ' : ''}without any lock. It installed, each under init_mm.page_table_lock after re-checking that the entry was still none:`,
    ),
    ...columns(
      v.installed.map((t) => [`a ${t.level} table`, t.page, `mapping from ${t.va}`]),
      '    ',
    ),
    '  ptdump from VMALLOC_END − 2M to VMEMMAP_START + 2M (all of it: npm start -- dump):',
    ...indent(v.ptdump),
  ];
}

function removalChapter(s: Story): string[] {
  const rows = [
    ['policy', 'tables freed', 'kept', 'left behind, mapping nothing', 'invariants'],
    ...s.removals.map(removalRow),
  ];
  return [
    `5. Hot-remove the section at ${s.removed.start} with each policy, each time from the same state (arch_remove_memory)`,
    '  Before, its linear map and its struct pages as ptdump shows them:',
    ...indent(s.removed.ptdumpBefore),
    '',
    ...columns(rows),
    ...s.removals.flatMap((r) => ['', `  ${r.policy} — ${r.summary}`, ...indent(r.parts.flatMap(partText))]),
    '',
    '  Every table of one removal, one per line:',
    `    npm start -- remove --policy P --start ${s.removed.start} --boot-size 128M`,
  ];
}

const RACE_TITLES: Readonly<Record<RaceKind, string>> = {
  vmalloc:
    'vmemmap_free of a section’s struct pages ‖ vmalloc of one page at the top of the vmalloc space, from a\n' +
    '  constructed state: a bare kernel whose first section’s struct pages start at VMEMMAP_START, nothing of\n' +
    '  boot pinning the shared table',
  'vmalloc-real':
    'The same race from the real boot state: the only struct pages under the shared table are boot memory’s,\n' +
    '  never removed, and the table is bm_pud, static and pinned by the fixmap — the removal never reaches it',
  'cached-walk':
    'vmemmap_free ‖ a CPU whose TLB and walk cache already hold the path to the struct pages being removed',
  ptdump:
    'vmemmap_free ‖ v5.7’s two ptdump walkers over the same struct pages (policy v5.7): the W+X check takes\n' +
    '  no lock (in v5.7 it runs once, late in boot; it took the lock in 2025), the debugfs dump holds\n' +
    '  mem_hotplug_lock for reading',
};

function raceLabel(r: RaceRun): string {
  return r.kind === 'ptdump' ? r.variant : r.policy;
}

/** A run's row, and under it what went wrong, if anything did. */
function raceRows(runs: readonly RaceRun[]): string[] {
  const label = Math.max(...runs.map((r) => raceLabel(r).length));
  return runs.flatMap((r) => {
    const [kind, ...detail] = (r.violation ?? 'safe').split(': ');
    const head = `    ${raceLabel(r).padEnd(label)}  ${(kind ?? '').padEnd(16)}  ${r.schedules} executions, ${r.millis} ms`;
    return detail.length ? [head, `    ${' '.repeat(label)}  ${detail.join(': ')}`] : [head];
  });
}

function raceGroup(kind: RaceKind, runs: readonly RaceRun[]): string[] {
  const mine = runs.filter((r) => r.kind === kind);
  return mine.length ? ['', `  ${RACE_TITLES[kind]}:`, ...raceRows(mine)] : [];
}

/** The four essential steps of the first walker use-after-free, as the 2025 ptdump fix tells the race. */
function essentialSteps(s: Story): string[] {
  const run = s.races.find((r) => r.kind === 'ptdump' && r.essential.length) ?? s.races.find((r) => r.essential.length);
  if (!run) return [];
  const who = run.kind === 'ptdump' ? run.variant : `${run.scenario}, policy ${run.policy}`;
  return ['', `  ${who}, in the four steps that make a walker's use-after-free:`, ...indent(run.essential, '    ')];
}

function raceChapter(s: Story): string[] {
  const shown = s.races.find((r) => r.violation && r.kind === 'vmalloc') ?? s.races.find((r) => r.violation);
  return [
    '6. The races, every interleaving explored (up to reordering independent steps; counterexamples are shortest)',
    ...(['vmalloc', 'vmalloc-real', 'cached-walk', 'ptdump'] as const).flatMap((kind) => raceGroup(kind, s.races)),
    ...(shown
      ? ['', `  The counterexample for ${shown.policy} (${shown.scenario}):`, ...indent(shown.steps, '    ')]
      : []),
    ...essentialSteps(s),
  ];
}

/** Per policy: tables freed, tables left behind, and the verdict of each race it ran in. */
export function verdictRows(s: Story): string[][] {
  const race = (policy: string, kind: RaceKind) => s.races.find((r) => r.policy === policy && r.kind === kind);
  const word = (r: RaceRun | undefined) =>
    r === undefined ? '-' : r.violation ? (r.violation.split(':')[0] ?? '') : 'safe';
  return [
    ['policy', 'freed', 'left behind', 'race with vmalloc', 'race with a warm CPU'],
    ...s.removals.map((r) => [
      r.policy,
      String(total(r.freed)),
      String(r.leftBehind.length),
      word(race(r.policy, 'vmalloc')),
      word(race(r.policy, 'cached-walk')),
    ]),
  ];
}

/** The policies that leave nothing behind and lose no race. */
export function soundPolicies(s: Story): string[] {
  return s.removals
    .filter((r) => r.leftBehind.length === 0 && r.broken.length === 0)
    .filter((r) => !s.races.some((x) => x.policy === r.policy && x.kind !== 'ptdump' && x.violation))
    .map((r) => r.policy);
}

/** Policies that free what v5.7 frees here, yet lose a race: the difference the removal alone cannot show. */
function sameTablesOtherRaces(s: Story): string[] {
  const merged = s.removals.find((r) => r.policy === 'v5.7');
  const freed = (r: Removal) => levelCounts(r.freed);
  return s.removals
    .filter((r) => merged && r.policy !== 'v5.7' && freed(r) === freed(merged) && r.leftBehind.length === 0)
    .filter((r) => s.races.some((x) => x.policy === r.policy && x.violation))
    .map((r) => r.policy);
}

function verdictChapter(s: Story): string[] {
  const sound = soundPolicies(s);
  const lookalikes = sameTablesOtherRaces(s);
  const conclusion =
    sound.length === 1 && sound[0] === 'v5.7'
      ? [
          '  Only v5.7 frees every table the section alone used and loses no race: floor and ceiling = the',
          '  enclosing region, then the all-none scan — what the thread concluded and the kernel merged.',
        ]
      : [`  Policies that leave nothing behind and lose no race: ${sound.join(', ') || 'none'}.`];
  return [
    '7. Verdict',
    ...columns(verdictRows(s)),
    '',
    ...conclusion,
    ...(lookalikes.length
      ? [
          `  ${lookalikes.join(' and ')} free${lookalikes.length === 1 ? 's' : ''} the same tables as v5.7 in 5; only the races tell them apart:`,
          '  deciding by emptiness alone frees a table another walker holds.',
        ]
      : []),
    ...(s.problems.length ? ['', '  PROBLEMS (exit code 1):', ...indent(s.problems)] : []),
  ];
}

/** The title of the story. */
export function storyTitle(s: Story): string {
  return `Memory hot-remove on arm64, Linux v5.7, ${s.config}: which page-table pages may be freed`;
}

/** The opening paragraph, before the chapters. */
export const STORY_INTRO = [
  'In September 2019 the review of "arm64/mm: Enable memory hot remove" settled when hot-remove may free a',
  'kernel page-table page: only when its whole span lies within a floor and a ceiling, and with floor and',
  'ceiling = the region around the removed range. This run of the model shows why, step by step.',
];

/** The chapters in order, each as lines whose first is its heading. */
export function storyChapters(s: Story): string[][] {
  const chapters = [layoutChapter, bootChapter, hotAddChapter, vmallocChapter, removalChapter, raceChapter];
  return [...chapters, verdictChapter].map((c) => c(s));
}

/** The whole story as text. */
export function storyText(s: Story): string {
  const title = storyTitle(s);
  return `${[
    title,
    '='.repeat(title.length),
    ...STORY_INTRO,
    'Other subcommands: npm start -- --help. This story with pictures: npm start -- story --html FILE.',
    ...storyChapters(s).flatMap((c) => ['', ...c]),
  ].join('\n')}\n`;
}
