// Cucumber configuration: TypeScript steps loaded through ts-node (transpile only; tsc type-checks).
const base = {
  requireModule: ['ts-node/register/transpile-only'],
  require: ['steps/**/*.ts'],
  strict: true,
};

module.exports = {
  default: { ...base, format: ['progress'] },
  // npm run docs: every feature, strict, and the living documentation as one HTML page.
  docs: { ...base, format: ['progress', 'html:reports/living-documentation.html'] },
};
