// `npm run mutate`: mutation testing of the model's lower layers with their own unit tests (not part of
// `npm test`). MUTATE_FOLDER=hotplug (or arch, tables, memory, mappings) mutates one folder with
// test/<folder>; unset, all five with all their tests. `-- --mutate 'src/x/y.ts'` narrows further.
const folders = ['hotplug', 'arch', 'tables', 'memory', 'mappings'];
const folder = process.env.MUTATE_FOLDER;
if (folder !== undefined && !folders.includes(folder)) {
  throw new Error(`MUTATE_FOLDER must be one of ${folders.join(', ')} (was ${folder})`);
}
const scope = folder ?? `{${folders.join(',')}}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'test/mutation/vitest.config.mts' },
  mutate: [`src/${scope}/**/*.ts`],
  coverageAnalysis: 'perTest',
  // Static mutants (module-level constants) would each rerun every test: too slow on 2 shared cores.
  ignoreStatic: true,
  concurrency: 2,
  incremental: true,
  incrementalFile: `reports/stryker/${folder ?? 'all'}-incremental.json`,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/stryker/${folder ?? 'all'}.html` },
  jsonReporter: { fileName: `reports/stryker/${folder ?? 'all'}.json` },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  timeoutMS: 5000,
};
