import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAYOUT_SYMBOLS } from '../../src/arch/symbols';
import { buildGlossary, featureSteps, GLOSSARY_PATH, glossaryMarkdown, readFeatureFiles } from '../../src/cli/glossary';
import { readStepFiles, type SourceFile, scanSteps } from '../../src/cli/steps';
import { INJECTED_BUGS } from '../../src/concurrency/injected';
import { POLICIES } from '../../src/hotplug/policy';

const ROOT = join(__dirname, '..', '..');

const STEPS: SourceFile = {
  path: 'steps/sample.steps.ts',
  text: [
    '/** A colour such as `red`. */',
    "defineParameterType({ name: 'colour', regexp: /red|green/, transformer: (s: string) => s });",
    '/** Built by code. */',
    "defineParameterType({ name: 'shade', regexp: new RegExp(SHADES.join('|')), transformer: (s: string) => s });",
    "Given('a {colour} page at {int}', function () {});",
    "When('the page is painted {shade}', function () {});",
    "When('the page is painted {colour}', function () {});",
    "Then('it is {word}', function () {});",
    "Then('nobody asks for this', function () {});",
  ].join('\n'),
};

const FEATURE: SourceFile = {
  path: 'features/sample/paint.feature',
  text: [
    'Feature: Paint',
    '  Background:',
    '    Given a red page at 3',
    '',
    '  Scenario Outline: paint <colour>',
    '    When the page is painted <colour>',
    '    And the page is painted dark blue',
    '    Then it is <colour>',
    '    But the page is folded',
    '',
    '    Examples: two colours',
    '      | colour |',
    '      | green  |',
    '      | red    |',
  ].join('\n'),
};

describe('the glossary', () => {
  const glossary = buildGlossary(scanSteps([STEPS]), [FEATURE]);
  const entry = (pattern: string) => glossary.entries.find((e) => e.step.pattern === pattern);

  it('reads feature steps as cucumber runs them: background in every pickle, outline rows filled in, And/But as the keyword before', () => {
    expect(featureSteps(FEATURE).map((s) => `${s.keyword} ${s.text} :${s.line}`)).toEqual([
      'Given a red page at 3 :3',
      'When the page is painted green :6',
      'When the page is painted dark blue :7',
      'Then it is green :8',
      'Then the page is folded :9',
      'Given a red page at 3 :3',
      'When the page is painted red :6',
      'When the page is painted dark blue :7',
      'Then it is red :8',
      'Then the page is folded :9',
    ]);
  });

  it('gives each pattern its first use and counts every use', () => {
    expect(entry('a {colour} page at {int}')).toMatchObject({
      uses: 2,
      example: { keyword: 'Given', text: 'a red page at 3', path: FEATURE.path, line: 3 },
    });
    expect(entry('it is {word}')?.example?.text).toBe('it is green');
    expect(entry('nobody asks for this')).toMatchObject({ uses: 0, example: undefined });
  });

  it('prefers an exact match to one through a parameter type built by code, which matches any text', () => {
    expect(entry('the page is painted {colour}')?.uses).toBe(2);
    expect(entry('the page is painted {shade}')).toMatchObject({
      uses: 2,
      example: { text: 'the page is painted dark blue' },
    });
  });

  it('names the feature steps no pattern matches', () => {
    expect(glossary.unmatched.map((s) => s.text)).toEqual(['the page is folded', 'the page is folded']);
  });

  it('gives each parameter type a value the features pass', () => {
    const example = (name: string) => glossary.parameterTypes.find((p) => p.name === name)?.example;
    expect([example('colour'), example('int'), example('shade'), example('float')]).toEqual([
      'red',
      '3',
      'dark blue',
      undefined,
    ]);
  });

  it('renders Markdown: the parameter types in use, then each pattern under its keyword with links from features/', () => {
    const md = glossaryMarkdown(glossary);
    expect(md).toContain('- `{colour}` — A colour such as `red`. Matches `/red|green/`; e.g. `red`.');
    expect(md).toContain('## When (2)');
    expect(md).toContain('e.g. `Given a red page at 3` — [features/sample/paint.feature](sample/paint.feature)');
    expect(md).toContain('defined in [steps/sample.steps.ts:5](../steps/sample.steps.ts#L5)');
    expect(md).toContain('not used by any feature yet');
  });
});

/** The project's glossary, built once for the tests that need it. */
let project: ReturnType<typeof buildGlossary> | undefined;
const projectGlossary = () => {
  project ??= buildGlossary(scanSteps(readStepFiles(ROOT)), readFeatureFiles(ROOT));
  return project;
};

describe('the committed glossary', () => {
  it(`${GLOSSARY_PATH} is what the steps and features give now (npm run steps -- --glossary rewrites it)`, () => {
    expect(projectGlossary().unmatched).toEqual([]);
    expect(readFileSync(join(ROOT, GLOSSARY_PATH), 'utf8')).toBe(glossaryMarkdown(projectGlossary()));
  });
});

describe('the editor settings (.vscode/settings.json, for the official Cucumber extension)', () => {
  const settings = JSON.parse(readFileSync(join(ROOT, '.vscode', 'settings.json'), 'utf8'));
  const listed = settings['cucumber.parameterTypes'] as { name: string; regexp: string }[];
  const matcher = (name: string) => new RegExp(`^(?:${listed.find((p) => p.name === name)?.regexp})$`);

  it('point the extension at the features and the step definitions', () => {
    expect(settings['cucumber.features']).toEqual(['features/**/*.feature']);
    expect(settings['cucumber.glue']).toEqual(['steps/**/*.ts']);
  });

  it('spell out each parameter type whose regexp is built by code, which the extension cannot read', () => {
    const byCode = projectGlossary().parameterTypes.filter((p) => !p.regexp.startsWith('/') && p.path !== 'built-in');
    expect(listed.map((p) => p.name).sort()).toEqual(byCode.map((p) => p.name).sort());
    for (const p of byCode) expect(p.example === undefined || matcher(p.name).test(p.example)).toBe(true);
  });

  it('match every value the code builds them from', () => {
    const names = (pattern: string, values: readonly string[]) => values.filter((v) => !matcher(pattern).test(v));
    expect(names('symbol', LAYOUT_SYMBOLS)).toEqual([]);
    expect(names('freeing', [...Object.values(INJECTED_BUGS).map((p) => p.name), ...Object.keys(POLICIES)])).toEqual(
      [],
    );
    expect(
      names('reason', ['outside floor/ceiling (below-floor)', 'entries left (7 live)', 'policy leaves tables']),
    ).toEqual([]);
    expect(
      names('decision', ['freed', 'kept: outside floor/ceiling (beyond-ceiling)', 'kept: entries left (2 live)']),
    ).toEqual([]);
  });
});
