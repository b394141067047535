import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import { type Geometry, geometry, type LevelName, levelNamed, SUPPORTED_CONFIGS } from '../src/arch/geometry';
import { contRun, vmemmapPerSection } from '../src/arch/kernel-sizes';
import { formatSize } from '../src/arch/size';
import { ConfigError } from '../src/errors';
import type { SpecWorld } from './support/world';

Given('the configuration {config}', function (this: SpecWorld, geo: Geometry) {
  this.geo = geo;
  this.kasan = false;
});

When('a kernel is configured as {string}', function (this: SpecWorld, name: string) {
  try {
    this.geo = geometry(name);
  } catch (error) {
    this.error = error;
  }
});

Then('the configuration is refused, naming the eight supported ones', function (this: SpecWorld) {
  assert.ok(this.error instanceof ConfigError, `expected a ConfigError, got ${String(this.error)}`);
  for (const name of SUPPORTED_CONFIGS) assert.ok(this.error.message.includes(name), `${name} not named`);
});

Then('the kernel page tables have {int} levels', function (this: SpecWorld, count: number) {
  assert.equal(this.config.levelCount, count);
  assert.equal(this.config.levels.length, count);
});

Then(/^the folded levels are (.+)$/, function (this: SpecWorld, folded: string) {
  assert.equal(this.config.folded.join(', '), folded);
});

Then(
  'the {level} level is lookup level {int} with shift {int}',
  function (this: SpecWorld, name: LevelName, hw: number, shift: number) {
    const level = levelNamed(this.config, name);
    assert.ok(level, `${name} is folded on ${this.config.name}`);
    assert.deepEqual({ hw: level.hw, shift: level.shift }, { hw, shift });
  },
);

Then(
  'a {level} table holds {int} entries, each mapping {size}',
  function (this: SpecWorld, name: LevelName, entries: number, maps: number) {
    const level = levelNamed(this.config, name);
    assert.ok(level, `${name} is folded on ${this.config.name}`);
    assert.deepEqual(
      { entries: level.entries, maps: formatSize(level.entrySize) },
      { entries, maps: formatSize(maps) },
    );
  },
);

Then('the {level} level maps {size} per entry', function (this: SpecWorld, name: LevelName, size: number) {
  assert.equal(formatSize(2 ** this.config.shiftOf[name]), formatSize(size));
});

Then(
  'a contiguous {level} run is {int} entries, {size} in all',
  function (this: SpecWorld, kind: LevelName, entries: number, size: number) {
    assert.ok(kind === 'PTE' || kind === 'PMD', 'the kernel sets contiguous runs on PTEs and PMDs only');
    const run = contRun(this.config, kind);
    assert.deepEqual({ entries: run.entries, size: formatSize(run.size) }, { entries, size: formatSize(size) });
  },
);

Then(
  'a memory section is {size} and its struct pages fill {size} of vmemmap',
  function (this: SpecWorld, section: number, vmemmap: number) {
    assert.equal(formatSize(this.config.sectionSize), formatSize(section));
    assert.equal(formatSize(vmemmapPerSection(this.config)), formatSize(vmemmap));
  },
);
