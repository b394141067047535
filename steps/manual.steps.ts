import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type DataTable, Then } from '@cucumber/cucumber';
import type { SpecWorld } from './support/world';

// The index of the manual (features/0-index.feature): each claim names the feature files and rules that check it.

const FEATURES = 'features';

/** A feature file read as an outline: its Feature: title and the scenarios under each Rule:. */
interface FeatureOutline {
  readonly title: string;
  readonly rules: ReadonlyMap<string, number>;
}

function keywordText(line: string, keyword: string): string | undefined {
  const trimmed = line.trim();
  return trimmed.startsWith(`${keyword}:`) ? trimmed.slice(keyword.length + 1).trim() : undefined;
}

function readOutline(file: string): FeatureOutline {
  const path = join(FEATURES, file);
  assert.ok(existsSync(path), `${path} does not exist`);
  let title = '';
  let rule: string | undefined;
  const rules = new Map<string, number>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    title ||= keywordText(line, 'Feature') ?? '';
    rule = keywordText(line, 'Rule') ?? rule;
    if (rule !== undefined && !rules.has(rule)) rules.set(rule, 0);
    const scenario = ['Scenario', 'Scenario Outline', 'Example'].some((k) => keywordText(line, k) !== undefined);
    if (scenario && rule !== undefined) rules.set(rule, (rules.get(rule) ?? 0) + 1);
  }
  assert.ok(title, `${path} has no Feature: line`);
  return { title, rules };
}

function featureFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return featureFiles(path);
    return e.name.endsWith('.feature') ? [relative(FEATURES, path)] : [];
  });
}

Then('the claim is checked by these rules of the manual:', function (this: SpecWorld, table: DataTable) {
  const lines: string[] = [];
  for (const { feature, rule } of table.hashes() as { feature: string; rule: string }[]) {
    const outline = readOutline(feature);
    const scenarios = outline.rules.get(rule);
    assert.ok(scenarios !== undefined, `${feature} has no rule "${rule}"; its rules: ${[...outline.rules.keys()]}`);
    assert.ok(scenarios > 0, `${feature}: the rule "${rule}" has no scenario`);
    lines.push(`${feature} — ${outline.title}`, `  Rule: ${rule} (${scenarios} scenario${scenarios > 1 ? 's' : ''})`);
  }
  this.log(lines.join('\n'));
});

Then(
  'every feature of the manual is cited in {string} or belongs to one of these parts:',
  function (this: SpecWorld, index: string, table: DataTable) {
    const text = readFileSync(join(FEATURES, index), 'utf8');
    const parts = (table.hashes() as { part: string }[]).map((r) => r.part);
    for (const part of parts) assert.ok(existsSync(join(FEATURES, part)), `features/${part} does not exist`);
    const uncited = featureFiles(FEATURES).filter(
      (f) => f !== index && !text.includes(`| ${f} `) && !parts.some((p) => f === p || f.startsWith(`${p}/`)),
    );
    assert.deepEqual(uncited, [], `features neither cited in ${index} nor in a listed part: ${uncited.join(', ')}`);
  },
);
