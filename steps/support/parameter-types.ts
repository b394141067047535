import { parseHex } from '../../src/arch/address';
import { geometry, type LevelName } from '../../src/arch/geometry';
import { parseSize } from '../../src/arch/size';
import { LAYOUT_SYMBOLS, type LayoutSymbol } from '../../src/arch/symbols';
import type { Violation } from '../../src/concurrency/actor';
import { anyPolicy, INJECTED_BUGS } from '../../src/concurrency/injected';
import type { RaceState } from '../../src/concurrency/scenarios';
import type { RaceActors } from '../../src/concurrency/story';
import { POLICIES, policyNamed } from '../../src/hotplug/policy';
import type { RangeVerdict } from '../../src/hotplug/range-aligned';
import type { TeardownReport } from '../../src/hotplug/remove';
import type { ReservedTable } from '../../src/hotplug/teardown';
import { NO_BLOCK_MAPPINGS, NO_CONT_MAPPINGS } from '../../src/mappings/create-mapping';
import type { KernelOptions } from '../../src/mappings/kernel';
import { countsText, parseCounts } from './counts';

// The parameter types of the steps, as data: parameters.ts registers them with cucumber, and
// `npm run steps` documents them from the same objects (a finite type by its phrases).

export interface StepParameterType {
  readonly name: string;
  /** What it stands for, as the glossary says it. */
  readonly doc: string;
  readonly regexp: RegExp;
  readonly transformer: (...groups: string[]) => unknown;
  /** Every phrase it accepts, when there are few: its regexp is built from them. */
  readonly phrases?: readonly string[];
  /** What joins several phrases in one value (`KASAN and rodata_full off`), when it takes several. */
  readonly joinedBy?: string;
}

const literally = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** An alternation of the phrases, longest first, so that a phrase never stops at a shorter one's end. */
const anyOf = (phrases: readonly string[]): string =>
  [...phrases]
    .sort((a, b) => b.length - a.length)
    .map(literally)
    .join('|');

/** A type that accepts exactly the phrases. */
function oneOf(
  name: string,
  doc: string,
  phrases: readonly string[],
  transformer: (text: string) => unknown = (text) => text,
): StepParameterType {
  return { name, doc, phrases, regexp: new RegExp(anyOf(phrases)), transformer };
}

/** A type that accepts one phrase or several joined by a word. */
function someOf(
  name: string,
  doc: string,
  phrases: readonly string[],
  joinedBy: string,
  transformer: (text: string) => unknown,
): StepParameterType {
  const one = `(?:${anyOf(phrases)})`;
  return { name, doc, phrases, joinedBy, regexp: new RegExp(`${one}(?:${literally(joinedBy)}${one})*`), transformer };
}

const same = (text: string): string => text;

const LEVELS: readonly LevelName[] = ['PGD', 'P4D', 'PUD', 'PMD', 'PTE'];
/** The levels the count steps name (no 5-level configuration is counted). */
const COUNTED = '(?:PGD|PUD|PMD|PTE)';

const ACTOR_WORDS: Readonly<Record<string, RaceActors>> = {
  'vmalloc at the top of the vmalloc space': 'vmalloc',
  'ptdump_check_wx without mem_hotplug_lock': 'check-wx',
  'ptdump holding mem_hotplug_lock': 'ptdump',
  'a CPU whose walk cache holds the path': 'cpu',
  'a CPU walking from the PGD': 'cold-cpu',
  'ptdump_check_wx of the addresses above VMEMMAP_END': 'check-wx-above-ceiling',
  'a CPU on the struct pages of the next section': 'neighbour',
};

const RACE_STATES: Readonly<Record<string, RaceState>> = {
  'real boot state': 'real',
  'constructed state': 'constructed',
};

const VIOLATIONS: readonly Violation['kind'][] = [
  'use-after-free',
  'lost-mapping',
  'stale-walk',
  'freed-while-held',
  'double-free',
  'kernel-warning',
];

const BACKINGS: Readonly<Record<string, 'section' | 'allocator'>> = {
  'the section itself': 'section',
  'the altmap': 'section',
  'the page allocator': 'allocator',
};

const BOOT_OPTIONS: Readonly<Record<string, Partial<KernelOptions>>> = {
  KASAN: { kasan: true },
  'rodata_full off': { rodataFull: false },
  'no vmalloc areas': { vmallocAreas: [] },
};

const MAP_FLAGS: Readonly<Record<string, number>> = {
  none: 0,
  NO_BLOCK_MAPPINGS,
  NO_CONT_MAPPINGS,
  'NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS': NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS,
};

/** What vmalloc and vmemmap can share below the PGD (sharedTables in era.steps.ts words it). */
const SHARED_TABLES = [
  'no table',
  'the P4D table',
  'the PUD table',
  'the PMD table',
  'the P4D and PUD tables',
  'the PUD and PMD tables',
];

/** Why pass 2 kept a table, as decisionText writes it: regexp sources, as the live count varies. */
const REASONS = [
  'outside floor/ceiling \\((?:below-floor|beyond-ceiling|ceiling-rounds-to-zero)\\)',
  'entries left(?: \\(\\d+ live\\))?',
  'policy leaves tables',
  'vmemmap shares a PGD entry with vmalloc',
];

const RESERVED: readonly ReservedTable[] = ['static (kernel image)', 'reserved (boot)'];
const CALLERS: readonly TeardownReport['caller'][] = ['vmemmap_free', '__remove_pgd_mapping'];
const VERDICTS: readonly RangeVerdict[] = ['eligible', 'below-floor', 'ceiling-rounds-to-zero', 'beyond-ceiling'];

export const PARAMETER_TYPES: readonly StepParameterType[] = [
  {
    name: 'config',
    doc: 'A configuration, page size and VA bits, resolved to its geometry (an unsupported one fails the step)',
    regexp: /\d+K\/\d+/,
    transformer: (text) => geometry(text),
  },
  {
    name: 'machine',
    doc: 'A configuration in an era, on a CPU with or without 52-bit VA, resolved to its geometry (a configuration the era does not build fails the step)',
    regexp: /(\d+K\/\d+) of Linux (v\d+\.\d+)(?:\s(with|without) LPA2)?/,
    transformer: (config, era, cpu) => geometry(config as string, { era, lpa2: cpu !== 'without' }),
  },
  {
    name: 'hex',
    doc: 'A 64-bit address in hex, `_` allowed between digits, as a bigint',
    regexp: /0x[0-9a-fA-F_]+/,
    transformer: (text) => parseHex(text),
  },
  {
    name: 'size',
    doc: 'A size in bytes: a whole number with an optional unit K, M, G, T or P',
    regexp: /\d+[KMGTP]?/,
    transformer: (text) => parseSize(text),
  },
  oneOf('level', 'A kernel page-table level', LEVELS),
  {
    name: 'levelCounts',
    doc: 'Table pages counted per level, level first, or `none` (tablesPerLevel writes them so)',
    regexp: new RegExp(`none|(?:${anyOf(LEVELS)}) \\d+(?:, (?:${anyOf(LEVELS)}) \\d+)*`),
    transformer: same,
  },
  oneOf(
    'actors',
    'Who races hot-remove, in words (src/concurrency/story.ts names the races)',
    Object.keys(ACTOR_WORDS),
    (text) => ACTOR_WORDS[text],
  ),
  oneOf('raceState', 'Which state a race starts from', Object.keys(RACE_STATES), (text) => RACE_STATES[text]),
  oneOf(
    'freeing',
    'A policy of the thread or an injected bug (src/concurrency/injected.ts)',
    [...Object.values(INJECTED_BUGS).map((p) => p.name), ...Object.keys(POLICIES)],
    (text) => anyPolicy(text),
  ),
  oneOf(
    'outcome',
    'What an exploration found: nothing, or the kind of its shortest counterexample',
    ['no violation', ...VIOLATIONS.map((kind) => `a ${kind}`)],
    (text) => text.replace(/^a /, ''),
  ),
  oneOf('sharedTables', 'The tables below the PGD two walks share, in words', SHARED_TABLES),
  oneOf('policy', 'A table-freeing policy of src/hotplug/policy.ts, by name', Object.keys(POLICIES), (text) =>
    policyNamed(text),
  ),
  oneOf(
    'backing',
    'Where a page came from: carved from the hot-added section itself, or handed out by the page allocator',
    Object.keys(BACKINGS),
    (text) => BACKINGS[text],
  ),
  someOf('bootOptions', 'Boot options after "with"', Object.keys(BOOT_OPTIONS), ' and ', (text) =>
    Object.assign({}, ...text.split(' and ').map((option) => BOOT_OPTIONS[option])),
  ),
  oneOf('symbol', 'A kernel layout symbol', LAYOUT_SYMBOLS, (text) => text as LayoutSymbol),
  oneOf('mapFlags', 'Flags of __create_pgd_mapping', Object.keys(MAP_FLAGS), (text) => MAP_FLAGS[text]),
  {
    name: 'tableCounts',
    doc: 'Counts of table pages by level, count first, or `none`',
    regexp: new RegExp(`none|\\d+ ${COUNTED}(?:, \\d+ ${COUNTED})*`),
    transformer: (text) => countsText(parseCounts(text)),
  },
  {
    name: 'leaves',
    doc: 'Leaves by level and kind, block or page',
    regexp: new RegExp(`\\d+ ${COUNTED} (?:blocks?|pages?)(?:, \\d+ ${COUNTED} (?:blocks?|pages?))*`),
    transformer: (text) => countsText(parseCounts(text.replace(/(block|page)s\b/g, '$1'))),
  },
  {
    name: 'walkPath',
    doc: 'The entries a walk read, top level first',
    regexp: new RegExp(`${COUNTED}\\[\\d+\\](?: → ${COUNTED}\\[\\d+\\])*`),
    transformer: same,
  },
  {
    name: 'reason',
    doc: 'Why a table was kept, as `decisionText` writes it',
    regexp: new RegExp(REASONS.join('|')),
    transformer: same,
  },
  oneOf('reserved', "A PageReserved table page, freed with free_hotplug_page_range's WARN", RESERVED),
  {
    name: 'decision',
    doc: 'What pass 2 decided about a table: `freed`, or `kept: ` and the reason as `decisionText` writes it',
    regexp: new RegExp(`freed|kept: (?:${REASONS.join('|')})`),
    transformer: (text) => text.replace(/^kept: /, ''),
  },
  oneOf('caller', 'The two callers of the two-pass teardown', CALLERS),
  oneOf('verdict', 'A verdict of pgtable_range_aligned', VERDICTS),
];
