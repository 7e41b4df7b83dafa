// Three layers (design section 11) plus integration over real HTTP. ts-jest only transpiles
// (isolatedModules in tsconfig); type-checking is `tsc --noEmit`, run first by `npm test`.
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };
const project = (displayName, roots) => ({
  displayName,
  transform,
  testEnvironment: 'node',
  roots,
  testMatch: ['**/*.test.ts'],
});

module.exports = {
  projects: [
    project('unit', ['<rootDir>/test/unit']),
    project('infra', ['<rootDir>/test/infra']),
    project('integration', ['<rootDir>/test/integration']),
    project('hosts', ['<rootDir>/test/hosts']),
  ],
  reporters: ['default', ['<rootDir>/test/summary-reporter.js', {}]],
};
