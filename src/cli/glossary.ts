// The step glossary (features/GLOSSARY.md): every step pattern, its parameter types and one use of it
// found in the features, matched with cucumber's own Gherkin parser and expression library.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  CucumberExpression,
  ParameterType,
  ParameterTypeRegistry,
  RegularExpression,
} from '@cucumber/cucumber-expressions';
import { generateMessages } from '@cucumber/gherkin';
import type { SourceMediaType } from '@cucumber/messages';
import type { ParameterTypeDoc, SourceFile, StepPattern, Vocabulary } from './steps';

/** Where the glossary is committed, relative to the project root. */
export const GLOSSARY_PATH = 'features/GLOSSARY.md';

/** A step of a feature as cucumber runs it: outlines expanded with each row of their examples. */
export interface FeatureStep {
  readonly keyword: 'Given' | 'When' | 'Then';
  readonly text: string;
  readonly path: string;
  readonly line: number;
}

export interface GlossaryEntry {
  readonly step: StepPattern;
  /** Feature steps (outline rows counted one by one) that use the pattern. */
  readonly uses: number;
  readonly example?: FeatureStep;
}

export interface GlossaryParameterType extends ParameterTypeDoc {
  /** Up to three different values the features pass for it. */
  readonly examples: readonly string[];
}

export interface Glossary {
  readonly entries: readonly GlossaryEntry[];
  readonly parameterTypes: readonly GlossaryParameterType[];
  /** Feature steps no pattern matches (cucumber would report them undefined). */
  readonly unmatched: readonly FeatureStep[];
}

const KEYWORD_OF_TYPE: Readonly<Record<string, FeatureStep['keyword']>> = {
  Context: 'Given',
  Action: 'When',
  Outcome: 'Then',
};

/** Every step of every pickle of a feature file, with the line of the step it came from. */
export function featureSteps(file: SourceFile): FeatureStep[] {
  let id = 0;
  const envelopes = generateMessages(file.text, file.path, 'text/x.cucumber.gherkin+plain' as SourceMediaType, {
    includeGherkinDocument: true,
    includePickles: true,
    newId: () => String(id++),
  });
  const lines = new Map<string, number>();
  const out: FeatureStep[] = [];
  for (const e of envelopes) {
    if (e.parseError) throw new Error(`${file.path}: ${e.parseError.message}`);
    const feature = e.gherkinDocument?.feature;
    for (const step of feature ? stepsOf(feature) : []) lines.set(step.id, step.location.line);
    for (const s of e.pickle?.steps ?? []) {
      const keyword = KEYWORD_OF_TYPE[s.type ?? ''] ?? 'Given';
      out.push({ keyword, text: s.text, path: file.path, line: lines.get(s.astNodeIds[0] ?? '') ?? 0 });
    }
  }
  return out;
}

type GherkinFeature = NonNullable<
  NonNullable<ReturnType<typeof generateMessages>[number]['gherkinDocument']>['feature']
>;
type GherkinStep = { readonly id: string; readonly location: { readonly line: number } };

/** The steps of a feature's backgrounds and scenarios, rules included. */
function stepsOf(feature: GherkinFeature): GherkinStep[] {
  const children = feature.children.flatMap((c) => (c.rule ? c.rule.children : [c]));
  return children.flatMap((c) => [...(c.background?.steps ?? []), ...(c.scenario?.steps ?? [])]);
}

type Matcher = CucumberExpression | RegularExpression;

/** How many different values the glossary shows of a parameter type without a list of phrases. */
const EXAMPLES = 3;

/** Matchers for every step pattern, with the parameter types' own regexps. */
function expressions(vocabulary: Vocabulary): Matcher[] {
  const registry = new ParameterTypeRegistry();
  for (const p of vocabulary.parameterTypes) {
    if (p.path === 'built-in') continue;
    registry.defineParameterType(new ParameterType(p.name, new RegExp(p.regexp), null, (s: string) => s));
  }
  return vocabulary.steps.map((s) =>
    s.pattern.startsWith('/')
      ? new RegularExpression(new RegExp(s.pattern.slice(1, s.pattern.lastIndexOf('/'))), registry)
      : new CucumberExpression(s.pattern, registry),
  );
}

/**
 * The glossary: each pattern with its first use in the features, each parameter type with values
 * passed. Patterns are tried with their plain regexps; the library's slower match, which names the
 * arguments, runs once per text while a parameter type of the pattern lacks examples.
 */
export function buildGlossary(vocabulary: Vocabulary, features: readonly SourceFile[]): Glossary {
  const matchers = expressions(vocabulary);
  const uses = vocabulary.steps.map(() => 0);
  const examples: (FeatureStep | undefined)[] = [];
  const values = new Map<string, Set<string>>();
  const unmatched: FeatureStep[] = [];
  const hitsOf = new Map<string, number[]>();
  const lacking = (p: string): boolean => (values.get(p)?.size ?? 0) < EXAMPLES;
  for (const step of features.flatMap(featureSteps)) {
    const seen = hitsOf.get(step.text);
    const hits = seen ?? matchers.flatMap((m, i) => (m.regexp.test(step.text) ? [i] : []));
    hitsOf.set(step.text, hits);
    if (hits.length === 0) unmatched.push(step);
    for (const i of hits) {
      uses[i] = (uses[i] ?? 0) + 1;
      examples[i] ??= step;
      if (!seen && vocabulary.steps[i]?.parameters.some(lacking)) collectValues(matchers[i], step.text, values);
    }
  }
  return {
    entries: vocabulary.steps.map((step, i) => ({ step, uses: uses[i] ?? 0, example: examples[i] })),
    parameterTypes: vocabulary.parameterTypes.map((p) => ({ ...p, examples: [...(values.get(p.name) ?? [])] })),
    unmatched,
  };
}

/** Adds the value each parameter type of a match received to that type's examples, up to EXAMPLES. */
function collectValues(matcher: Matcher | undefined, text: string, values: Map<string, Set<string>>): void {
  for (const a of matcher?.match(text) ?? []) {
    const name = a.parameterType.name ?? '';
    const seen = values.get(name) ?? new Set<string>();
    if (seen.size < EXAMPLES) seen.add(a.group.value ?? '');
    values.set(name, seen);
  }
}

/** Every `.feature` file under features/, in name order, paths relative to root. */
export function readFeatureFiles(root: string, folder = 'features'): SourceFile[] {
  const out: SourceFile[] = [];
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith('.feature'))
        out.push({ path: relative(root, full), text: readFileSync(full, 'utf8') });
    }
  };
  visit(join(root, folder));
  return out;
}

/** One line of figures: patterns, how many the features use, feature steps matched. */
export function glossaryCounts(g: Glossary): string {
  const used = g.entries.filter((e) => e.uses > 0).length;
  const steps = g.entries.reduce((n, e) => n + e.uses, 0);
  return `${g.entries.length} step patterns, ${used} used by the features (${steps} steps in all, outline rows counted), ${g.unmatched.length} feature steps unmatched`;
}

/** A description as a sentence: capitalised, ending with a full stop. */
const sentence = (text: string): string =>
  `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`;

/** Code spans: one padded with a space each side renders without them, as formatters write it. */
const CODE_SPAN = /`([^`]*)`/g;
const unpad = (text: string): string =>
  text.replace(CODE_SPAN, (span, inner: string) => (/^ .*\S.* $/.test(inner) ? `\`${inner.slice(1, -1)}\`` : span));

const code = (text: string): string => `\`${text.replace(/`/g, 'ˋ')}\``;

/** A link from features/GLOSSARY.md to a line of a file given relative to the project root. */
const link = (path: string, line?: number): string =>
  `[${path}${line ? `:${line}` : ''}](${relative('features', path)}${line ? `#L${line}` : ''})`;

function entryMarkdown(e: GlossaryEntry): string[] {
  const params = e.step.parameters.length ? e.step.parameters.map((p) => code(`{${p}}`)).join(', ') : 'none';
  const example = e.example
    ? `e.g. ${code(`${e.example.keyword} ${e.example.text}`)} — ${link(e.example.path)}`
    : 'not used by any feature yet';
  return [
    `- ${code(e.step.pattern)}`,
    `  parameters: ${params} · defined in ${link(e.step.path, e.step.line)}  `,
    `  ${example}`,
  ];
}

/** A parameter type: what it stands for, then its phrases, or what the features pass for it. */
function parameterTypeMarkdown(p: GlossaryParameterType): string {
  const head = `- ${code(`{${p.name}}`)} — ${sentence(unpad(p.doc))}`;
  if (p.phrases) {
    const joined = p.joinedBy ? `, or several joined by ${code(p.joinedBy.trim())}` : '';
    return `${head} Accepts ${p.phrases.map(code).join(', ')}${joined}.`;
  }
  return p.examples.length ? `${head} E.g. ${p.examples.map(code).join(', ')}.` : head;
}

/** The glossary as the Markdown committed at features/GLOSSARY.md. */
export function glossaryMarkdown(g: Glossary): string {
  const used = new Set(g.entries.flatMap((e) => e.step.parameters));
  const types = g.parameterTypes.filter((p) => used.has(p.name));
  const sections = (['Given', 'When', 'Then'] as const).flatMap((keyword) => {
    const entries = g.entries
      .filter((e) => e.step.keyword === keyword)
      .sort((a, b) => a.step.pattern.localeCompare(b.step.pattern));
    return [`## ${keyword} (${entries.length})`, '', ...entries.flatMap(entryMarkdown), ''];
  });
  return [
    '# Step glossary',
    '',
    'Every step the features can use, generated from the step definitions in `steps/` and the first feature',
    'that uses each (`npm run steps -- --glossary` rewrites this file; a test fails when it is out of date).',
    'A step matches whatever keyword it follows (`Given`, `When`, `Then`, `And`, `But`); it is listed under',
    'the keyword it is defined with. Outline steps are shown with the first row of their examples filled in.',
    '',
    '## Parameter types',
    '',
    ...types.map(parameterTypeMarkdown),
    '',
    ...sections,
  ].join('\n');
}
