/** Workflow code is bundled by Temporal's own bundler, not by jest; jest only runs the tests. */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
    // light-my-request (Fastify's inject) requires the ESM-only cookie@2, which Node 20 loads
    // natively but jest's module system cannot, so jest compiles that one package to CommonJS.
    '/node_modules/cookie/.+\\.js$': ['ts-jest', { diagnostics: false, tsconfig: { allowJs: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!cookie/)'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};
