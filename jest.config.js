// Three layers (design section 11) plus integration over real HTTP. ts-jest only transpiles
// (isolatedModules in tsconfig); type-checking is `tsc --noEmit`, run first by `npm test`.
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };
// Tests over real HTTP (moto, local endpoints) share two cores with the host lane's booted container: jest's
// 5 s default is a guard against hangs, not a budget, so that project gets room (speed is the benchmark's job).
// jest-circus reads `testTimeout` from the global config only, so a project sets its own in a setup file.
const project = (displayName, roots, setupFilesAfterEnv = []) => ({
  displayName,
  transform,
  testEnvironment: 'node',
  roots,
  testMatch: ['**/*.test.ts'],
  setupFilesAfterEnv,
});

module.exports = {
  projects: [
    project('unit', ['<rootDir>/test/unit']),
    project('infra', ['<rootDir>/test/infra']),
    project('integration', ['<rootDir>/test/integration'], ['<rootDir>/test/integration/jest-timeout.ts']),
    project('hosts', ['<rootDir>/test/hosts']),
  ],
  reporters: ['default', ['<rootDir>/test/summary-reporter.js', {}]],
};
