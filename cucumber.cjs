// Cucumber configuration: TypeScript steps loaded through ts-node (transpile only; tsc type-checks).
const base = {
  requireModule: ['ts-node/register/transpile-only'],
  require: ['steps/**/*.ts'],
  strict: true,
};

module.exports = {
  default: { ...base, format: ['progress'] },
  // npm run docs: every feature, strict; the stock report as one HTML page, and the message stream
  // from which `npm run manual` then writes the manual (reports/manual/).
  docs: { ...base, format: ['progress', 'html:reports/living-documentation.html', 'message:reports/messages.ndjson'] },
};
