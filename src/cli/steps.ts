// `npm run steps`: the step vocabulary of the features — every Given/When/Then pattern under steps/,
// read from the step files' text, with the parameter types as the step support code registers them;
// `--glossary` writes it with one use of each pattern as features/GLOSSARY.md.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ParameterTypeRegistry } from '@cucumber/cucumber-expressions';
import { PARAMETER_TYPES, type StepParameterType } from '../../steps/support/parameter-types';
import { formatOptions, type ParsedArgs, parseArgs } from './args';
import { EXIT, type Io, refusal } from './command';
import { buildGlossary, GLOSSARY_PATH, glossaryCounts, glossaryMarkdown, readFeatureFiles } from './glossary';

export interface SourceFile {
  /** Path as printed, relative to the project root. */
  readonly path: string;
  readonly text: string;
}

export interface StepPattern {
  readonly keyword: 'Given' | 'When' | 'Then';
  /** The cucumber expression, or a regular expression written `/…/`. */
  readonly pattern: string;
  /** Names of the `{parameter}` types the expression uses, in order (`''` for the anonymous `{}`). */
  readonly parameters: readonly string[];
  readonly path: string;
  readonly line: number;
}

export interface ParameterTypeDoc {
  readonly name: string;
  /** The source of the regular expression it matches with. */
  readonly regexp: string;
  /** What it stands for, or what cucumber documents for a built-in type. */
  readonly doc: string;
  /** Every phrase it accepts, when there are few, and what joins several in one value. */
  readonly phrases?: readonly string[];
  readonly joinedBy?: string;
  /** Where it is defined; `built-in` for cucumber's own. */
  readonly path: string;
}

export interface Vocabulary {
  readonly steps: readonly StepPattern[];
  readonly parameterTypes: readonly ParameterTypeDoc[];
}

/** Where the project's parameter types are defined, relative to the project root. */
export const PARAMETER_TYPES_PATH = 'steps/support/parameter-types.ts';

/** What cucumber's built-in parameter types stand for. */
const BUILT_IN: Readonly<Record<string, string>> = {
  int: 'an integer',
  float: 'a decimal number',
  word: 'one word without whitespace',
  string: 'quoted text, passed without the quotes',
  '': 'anything (the anonymous parameter {})',
};

/** The built-in parameter types with the regexps cucumber matches them with. */
function builtIns(): ParameterTypeDoc[] {
  const registry = new ParameterTypeRegistry();
  return Object.entries(BUILT_IN).map(([name, doc]) => ({
    name,
    regexp: registry.lookupByTypeName(name)?.regexpStrings.join('|') ?? '',
    doc,
    path: 'built-in',
  }));
}

function documented(p: StepParameterType, path: string): ParameterTypeDoc {
  return { name: p.name, regexp: p.regexp.source, doc: p.doc, phrases: p.phrases, joinedBy: p.joinedBy, path };
}

const STEP = /\b(Given|When|Then)\(\s*(?:'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|(\/(?:[^/\\\n]|\\.)+\/[a-z]*))/g;

/** The step definitions in step files, and the parameter types registered for them (the project's by default). */
export function scanSteps(
  files: readonly SourceFile[],
  types: readonly StepParameterType[] = PARAMETER_TYPES,
  typesPath = PARAMETER_TYPES_PATH,
): Vocabulary {
  const steps: StepPattern[] = [];
  for (const file of files) {
    for (const m of file.text.matchAll(STEP)) {
      const pattern = unquote(m[2] ?? m[3] ?? m[4] ?? '');
      steps.push({
        keyword: m[1] as StepPattern['keyword'],
        pattern,
        parameters: m[4] ? [] : [...pattern.matchAll(/\{([^}]*)\}/g)].map((p) => p[1] ?? ''),
        path: file.path,
        line: lineOf(file.text, m.index ?? 0),
      });
    }
  }
  return { steps, parameterTypes: [...builtIns(), ...types.map((p) => documented(p, typesPath))] };
}

function unquote(text: string): string {
  return text.replace(/\\(['"\\])/g, '$1');
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** Parameter types used by some step but defined nowhere (cucumber would refuse to run). */
export function undefinedParameterTypes(vocabulary: Vocabulary): string[] {
  const known = new Set(vocabulary.parameterTypes.map((p) => p.name));
  return [...new Set(vocabulary.steps.flatMap((s) => s.parameters))].filter((p) => !known.has(p));
}

/** The vocabulary as text: patterns by keyword, then the parameter types the patterns use. */
export function renderVocabulary(vocabulary: Vocabulary): string {
  const used = new Set(vocabulary.steps.flatMap((s) => s.parameters));
  const width = Math.max(...vocabulary.steps.map((s) => s.pattern.length));
  const sections = (['Given', 'When', 'Then'] as const).map((keyword) => {
    const steps = vocabulary.steps.filter((s) => s.keyword === keyword);
    const sorted = [...steps].sort((a, b) => a.pattern.localeCompare(b.pattern));
    return [`${keyword} (${steps.length})`, ...sorted.map((s) => `  ${s.pattern.padEnd(width)}  ${s.path}:${s.line}`)];
  });
  const types = vocabulary.parameterTypes.filter((p) => used.has(p.name));
  const typeWidth = Math.max(...types.map((p) => p.name.length + 2));
  return [
    `Step vocabulary: ${vocabulary.steps.length} step patterns`,
    '',
    ...sections.flatMap((lines) => [...lines, '']),
    'Parameter types',
    ...types.map((p) => `  ${`{${p.name}}`.padEnd(typeWidth)}  ${accepts(p)}  — ${p.doc} (${p.path})`),
    '',
  ].join('\n');
}

/** The phrases a parameter type accepts, or its regexp when they are not few. */
function accepts(p: ParameterTypeDoc): string {
  if (!p.phrases) return `/${p.regexp}/`;
  const phrases = p.phrases.map((phrase) => `"${phrase}"`).join(', ');
  return `${phrases}${p.joinedBy ? `, several joined by "${p.joinedBy.trim()}"` : ''}`;
}

/** Every `.ts` file under a folder, depth first, in name order. */
export function readStepFiles(root: string, folder = 'steps'): SourceFile[] {
  const out: SourceFile[] = [];
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith('.ts')) out.push({ path: relative(root, full), text: readFileSync(full, 'utf8') });
    }
  };
  visit(join(root, folder));
  return out;
}

const OPTIONS = [
  { name: 'json', help: 'print the vocabulary as JSON' },
  {
    name: 'glossary',
    help: `write the Markdown glossary (patterns, parameter types, one use of each) to ${GLOSSARY_PATH}`,
  },
  { name: 'markdown', help: 'print that glossary instead of writing it' },
];

const HELP = [
  'Usage: npm run steps -- [options]',
  '',
  'Every step pattern in steps/**/*.ts with its parameter types; with --glossary or --markdown, also',
  'one use of each pattern found in features/**/*.feature. Exit code 1 if a parameter type is used but',
  'not defined, or a feature step matches no pattern.',
  '',
  'Options:',
  formatOptions(OPTIONS),
  '',
].join('\n');

/** Runs `npm run steps [-- --json | --glossary | --markdown]` against the project at root. */
export function stepsMain(argv: readonly string[], root: string, io: Io): number {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv, { options: OPTIONS });
  } catch (error) {
    const refused = refusal(error, io);
    if (refused === undefined) throw error;
    return refused;
  }
  if (args.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  const vocabulary = scanSteps(readStepFiles(root));
  const problems = undefinedParameterTypes(vocabulary).map((m) => `parameter type used but not defined: {${m}}`);
  if (args.flags.has('glossary') || args.flags.has('markdown')) {
    const glossary = buildGlossary(vocabulary, readFeatureFiles(root));
    problems.push(...glossary.unmatched.map((s) => `${s.path}:${s.line}: no step pattern matches "${s.text}"`));
    const markdown = glossaryMarkdown(glossary);
    if (args.flags.has('markdown')) io.out(markdown);
    else {
      writeFileSync(join(root, GLOSSARY_PATH), markdown);
      io.out(`${GLOSSARY_PATH}: ${glossaryCounts(glossary)}\n`);
    }
  } else io.out(args.flags.has('json') ? `${JSON.stringify(vocabulary, null, 2)}\n` : renderVocabulary(vocabulary));
  if (problems.length === 0) return EXIT.ok;
  io.err(problems.map((p) => `${p}\n`).join(''));
  return EXIT.violation;
}

if (/src[\\/]cli[\\/]steps\.ts$/.test(process.argv[1] ?? '')) {
  process.exitCode = stepsMain(process.argv.slice(2), join(__dirname, '..', '..'), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
}
