// `npm run steps`: the step vocabulary of the features — every Given/When/Then pattern under steps/
// with its parameter types — read from the step files' text, so that listing needs no model code;
// `--glossary` writes it with one use of each pattern as features/GLOSSARY.md.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
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
  readonly regexp: string;
  /** The doc comment above its definition, or what cucumber documents for a built-in type. */
  readonly doc: string;
  /** Where it is defined; `built-in` for cucumber's own. */
  readonly path: string;
}

export interface Vocabulary {
  readonly steps: readonly StepPattern[];
  readonly parameterTypes: readonly ParameterTypeDoc[];
}

/** Cucumber's built-in parameter types. */
const BUILT_IN: readonly ParameterTypeDoc[] = [
  { name: 'int', regexp: '-?\\d+', doc: 'an integer', path: 'built-in' },
  { name: 'float', regexp: '-?\\d*\\.?\\d+', doc: 'a decimal number', path: 'built-in' },
  { name: 'word', regexp: '[^\\s]+', doc: 'one word without whitespace', path: 'built-in' },
  { name: 'string', regexp: '"…" or \'…\'', doc: 'quoted text, passed without the quotes', path: 'built-in' },
  { name: '', regexp: '.*', doc: 'anything (the anonymous parameter {})', path: 'built-in' },
];

const STEP = /\b(Given|When|Then)\(\s*(?:'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|(\/(?:[^/\\\n]|\\.)+\/[a-z]*))/g;
const PARAMETER_TYPE = /(?:\/\*\*((?:[^*]|\*(?!\/))*)\*\/\s*)?defineParameterType\(\s*\{([\s\S]*?)\}\s*\);/g;
/** The value of `regexp:`: a regular-expression literal, or the code that builds one (up to the next key). */
const REGEXP_VALUE =
  /regexp:\s*(\/(?:[^/\\\n]|\\.)+\/[a-z]*|[\s\S]*?)\s*(?:,\s*(?:name|transformer|useForSnippets|preferForRegexpMatch)\s*:|,?\s*$)/;

/** Code spread over lines, on one: single spaces, no space inside the parentheses, no trailing comma. */
const oneLine = (code: string): string =>
  code
    .replace(/\s+/g, ' ')
    .replace(/\(\s/g, '(')
    .replace(/,?\s\)/g, ')');

/** The step definitions and parameter types in step files. */
export function scanSteps(files: readonly SourceFile[]): Vocabulary {
  const steps: StepPattern[] = [];
  const parameterTypes: ParameterTypeDoc[] = [...BUILT_IN];
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
    for (const m of file.text.matchAll(PARAMETER_TYPE)) parameterTypes.push(parameterType(file.path, m[1], m[2] ?? ''));
  }
  return { steps, parameterTypes };
}

function parameterType(path: string, comment: string | undefined, body: string): ParameterTypeDoc {
  const name = /name:\s*['"]([^'"]+)['"]/.exec(body)?.[1] ?? '?';
  const regexp = oneLine(REGEXP_VALUE.exec(body)?.[1] ?? '?');
  const doc = (comment ?? '')
    .replace(/^\s*\*\s?/gm, '')
    .replace(/\s+/g, ' ')
    .trim();
  return { name, regexp, doc, path };
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
    ...types.map((p) => `  ${`{${p.name}}`.padEnd(typeWidth)}  ${p.regexp}  — ${p.doc} (${p.path})`),
    '',
  ].join('\n');
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
