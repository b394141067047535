import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DataTable, Then } from '@cucumber/cucumber';
import { generateMessages } from '@cucumber/gherkin';
import type { SourceMediaType } from '@cucumber/messages';
import { featureFilesUnder } from '../src/present/manual/chapters';
import type { SpecWorld } from './support/world';

// The index of the manual (features/0-index.feature): each claim names the feature files and rules that check it.

const FEATURES = 'features';

/** A feature file as the index sees it: its Feature: name and the scenarios run under each Rule:. */
interface FeatureOutline {
  readonly title: string;
  /** Rule name → scenarios run under it (an outline counts its example rows). */
  readonly rules: ReadonlyMap<string, number>;
}

function readOutline(file: string): FeatureOutline {
  const path = join(FEATURES, file);
  assert.ok(existsSync(path), `${path} does not exist`);
  let id = 0;
  const envelopes = generateMessages(
    readFileSync(path, 'utf8'),
    path,
    'text/x.cucumber.gherkin+plain' as SourceMediaType,
    {
      includeGherkinDocument: true,
      includePickles: true,
      newId: () => String(id++),
    },
  );
  const feature = envelopes.find((e) => e.gherkinDocument)?.gherkinDocument?.feature;
  assert.ok(feature, `${path} has no Feature`);
  const pickled = envelopes.flatMap((e) => (e.pickle ? [e.pickle.astNodeIds[0]] : []));
  const rules = new Map<string, number>();
  for (const { rule } of feature.children) {
    if (!rule) continue;
    const scenarios = new Set(rule.children.flatMap((c) => (c.scenario ? [c.scenario.id] : [])));
    rules.set(rule.name, pickled.filter((p) => p !== undefined && scenarios.has(p)).length);
  }
  return { title: feature.name, rules };
}

Then('the claim is checked by these rules of the manual:', function (this: SpecWorld, table: DataTable) {
  const lines: string[] = [];
  for (const { feature, rule } of table.hashes() as { feature: string; rule: string }[]) {
    const outline = readOutline(feature);
    const scenarios = outline.rules.get(rule);
    assert.ok(scenarios !== undefined, `${feature} has no rule "${rule}"; its rules: ${[...outline.rules.keys()]}`);
    assert.ok(scenarios > 0, `${feature}: the rule "${rule}" has no scenario`);
    const heading = `${feature}: ${outline.title}`;
    if (!lines.includes(heading)) lines.push(heading);
    lines.push(`  Rule: ${rule} — ${scenarios} scenario${scenarios > 1 ? 's' : ''} run`);
  }
  this.log(lines.join('\n'));
});

Then(
  'every feature of the manual is cited in {string} or belongs to one of these parts:',
  function (this: SpecWorld, index: string, table: DataTable) {
    const text = readFileSync(join(FEATURES, index), 'utf8');
    const parts = (table.hashes() as { part: string }[]).map((r) => r.part);
    for (const part of parts) assert.ok(existsSync(join(FEATURES, part)), `features/${part} does not exist`);
    const uncited = featureFilesUnder(FEATURES).filter(
      (f) => f !== index && !text.includes(`| ${f} `) && !parts.some((p) => f === p || f.startsWith(`${p}/`)),
    );
    assert.deepEqual(uncited, [], `features neither cited in ${index} nor in a listed part: ${uncited.join(', ')}`);
  },
);
