// Cucumber configuration: TypeScript steps loaded through ts-node (transpile only; tsc type-checks).
module.exports = {
  default: {
    requireModule: ['ts-node/register/transpile-only'],
    require: ['steps/**/*.ts'],
    strict: true,
    format: ['progress'],
  },
};
