// Three layers (design section 11) plus integration over real HTTP. ts-jest only transpiles
// (isolatedModules in tsconfig); type-checking is `tsc --noEmit`, run first by `npm test`.
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };
// Tests over real HTTP (moto, local endpoints) share two cores with the host lane's booted container: jest's
// 5 s default is a guard against hangs, not a budget, so those projects get room (speed is the benchmark's job).
const project = (displayName, roots, testTimeout = 5_000) => ({
  displayName,
  transform,
  testEnvironment: 'node',
  roots,
  testMatch: ['**/*.test.ts'],
  testTimeout,
});

module.exports = {
  projects: [
    project('unit', ['<rootDir>/test/unit']),
    project('infra', ['<rootDir>/test/infra']),
    project('integration', ['<rootDir>/test/integration'], 60_000),
    project('hosts', ['<rootDir>/test/hosts']),
  ],
  reporters: ['default', ['<rootDir>/test/summary-reporter.js', {}]],
};
