import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGlossary, featureSteps, GLOSSARY_PATH, glossaryMarkdown, readFeatureFiles } from '../../src/cli/glossary';
import { readStepFiles, type SourceFile, scanSteps } from '../../src/cli/steps';
import { PARAMETER_TYPES, type StepParameterType } from '../../steps/support/parameter-types';

const ROOT = join(__dirname, '..', '..');

const STEPS: SourceFile = {
  path: 'steps/sample.steps.ts',
  text: [
    "Given('a {colour} page at {int}', function () {});",
    "When('the page is painted {shade}', function () {});",
    "When('the page is painted {colour}', function () {});",
    "Then('it is {word}', function () {});",
    "Then('nobody asks for this', function () {});",
  ].join('\n'),
};

const TYPES: readonly StepParameterType[] = [
  {
    name: 'colour',
    doc: 'A colour such as `red`',
    regexp: /red|green/,
    transformer: (s) => s,
    phrases: ['red', 'green'],
  },
  { name: 'shade', doc: 'A shade, in two words', regexp: /\w+ \w+/, transformer: (s) => s },
];

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
  const glossary = buildGlossary(scanSteps([STEPS], TYPES), [FEATURE]);
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

  it("matches a step through each parameter type's own regexp", () => {
    expect(entry('the page is painted {colour}')?.uses).toBe(2);
    expect(entry('the page is painted {shade}')).toMatchObject({
      uses: 2,
      example: { text: 'the page is painted dark blue' },
    });
  });

  it('names the feature steps no pattern matches', () => {
    expect(glossary.unmatched.map((s) => s.text)).toEqual(['the page is folded', 'the page is folded']);
  });

  it('gives each parameter type up to three different values the features pass', () => {
    const examples = (name: string) => glossary.parameterTypes.find((p) => p.name === name)?.examples;
    expect([examples('colour'), examples('int'), examples('shade'), examples('float')]).toEqual([
      ['red', 'green'],
      ['3'],
      ['dark blue'],
      [],
    ]);
    const many = buildGlossary(scanSteps([STEPS], TYPES), [
      {
        path: 'features/sample/many.feature',
        text: `Feature: Many\n  Scenario: s\n${[1, 2, 3, 4, 3].map((n) => `    Given a red page at ${n}\n`).join('')}`,
      },
    ]);
    expect(many.parameterTypes.find((p) => p.name === 'int')?.examples).toEqual(['1', '2', '3']);
  });

  it('renders Markdown: the parameter types in use, then each pattern under its keyword with links from features/', () => {
    const md = glossaryMarkdown(glossary);
    expect(md).toContain('- `{colour}` — A colour such as `red`. Accepts `red`, `green`.\n');
    expect(md).toContain('- `{shade}` — A shade, in two words. E.g. `dark blue`.\n');
    expect(md).toContain('- `{int}` — An integer. E.g. `3`.\n');
    expect(md).not.toMatch(/Matches|\{float\}/);
    expect(md).toContain('## When (2)');
    expect(md).toContain('e.g. `Given a red page at 3` — [features/sample/paint.feature](sample/paint.feature)');
    expect(md).toContain('defined in [steps/sample.steps.ts:1](../steps/sample.steps.ts#L1)');
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

  it('point the extension at the features and the step definitions', () => {
    expect(settings['cucumber.features']).toEqual(['features/**/*.feature']);
    expect(settings['cucumber.glue']).toEqual(['steps/**/*.ts']);
  });

  it('spell out every parameter type of the steps as cucumber matches it (the extension cannot run the code that registers them)', () => {
    expect(listed).toEqual(PARAMETER_TYPES.map((p) => ({ name: p.name, regexp: p.regexp.source })));
  });
});
