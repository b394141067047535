/**
 * The code a fresh worker thread or node process evaluates (`new Worker(code, { eval: true })`,
 * `node -e code`) to run one of the model's files. Such a thread or process starts with no node flags,
 * and ts-node's start-up (it loads the TypeScript compiler: half a second, over a second for a worker)
 * would dwarf what it runs; so a TypeScript file and those it requires are compiled with swc, as
 * ts-node's transpile-only swc mode compiles them (tsconfig: ES2022, CommonJS). A compiled file is
 * simply required.
 */
export function loaderSource(file: string): string {
  if (!file.endsWith('.ts')) return `require(${JSON.stringify(file)});`;
  const swc = JSON.stringify(require.resolve('@swc/core'));
  const options = {
    module: { type: 'commonjs', strictMode: true, noInterop: false },
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022', keepClassNames: true },
  };
  return [
    `const { readFileSync } = require('node:fs');`,
    `const { transformSync } = require(${swc});`,
    `const options = ${JSON.stringify(options)};`,
    `require.extensions['.ts'] = (m, filename) =>`,
    `  m._compile(transformSync(readFileSync(filename, 'utf8'), { ...options, filename }).code, filename);`,
    `require(${JSON.stringify(file)});`,
  ].join('\n');
}
