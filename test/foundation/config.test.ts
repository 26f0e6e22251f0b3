import { ConfigError, developmentDefaults, loadConfig } from '../../src/config/env';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected loadConfig to reject the environment');
}

test('development defaults make a complete configuration', () => {
  const config = loadConfig({}, { developmentDefaults: true });
  expect(config).toMatchObject({ TEMPORAL_ADDRESS: '127.0.0.1:7233', GATEWAY_PORT: 3000, MOODLE_RATE_PER_SECOND: 20, LOG_LEVEL: 'info' });
});

test('an empty environment names every required variable', () => {
  const problems = problemsOf({});
  const named = problems.map((problem) => problem.split(':')[0]).sort();
  expect(named).toEqual(
    ['ADMIN_TOKEN', 'ERPNEXT_API_KEY', 'ERPNEXT_API_SECRET', 'ERPNEXT_URL', 'ERPNEXT_WEBHOOK_SECRET', 'MOODLE_TOKEN', 'MOODLE_URL', 'MOODLE_WEBHOOK_SECRET', 'TEMPORAL_ADDRESS'].sort(),
  );
});

test('each malformed variable gets a message saying what it expects', () => {
  const problems = problemsOf({
    ...developmentDefaults,
    TEMPORAL_ADDRESS: 'temporal.example.edu',
    MOODLE_URL: 'ftp://moodle.example.edu',
    GATEWAY_PORT: '70000',
    MOODLE_RATE_PER_SECOND: '-3',
    LOG_LEVEL: 'loud',
  });
  expect(problems).toEqual(
    expect.arrayContaining([
      'TEMPORAL_ADDRESS: expected host:port of the Temporal frontend, e.g. 127.0.0.1:7233',
      'MOODLE_URL: expected an http(s) URL, e.g. https://moodle.example.edu',
      'GATEWAY_PORT: expected a TCP port number',
      'MOODLE_RATE_PER_SECOND: expected requests per second, a positive number',
    ]),
  );
  expect(problems.find((p) => p.startsWith('LOG_LEVEL:'))).toBeDefined();
  expect(problems).toHaveLength(5);
});

test('empty strings count as unset, so a blank secret is reported missing', () => {
  expect(problemsOf({ ...developmentDefaults, ADMIN_TOKEN: '   ' })).toEqual(['ADMIN_TOKEN: expected the bearer token for the admin API']);
});

test('errors never echo the value of a variable', () => {
  const leaked = 'c2VjcmV0LXZhbHVlLXRoYXQtbXVzdC1ub3QtbGVhaw';
  let message = '';
  try {
    loadConfig({ ...developmentDefaults, PAYLOAD_ENCRYPTION_KEY: leaked, MOODLE_URL: `https://${leaked}` + ' x' });
  } catch (err) {
    message = (err as Error).message;
  }
  expect(message).toContain('PAYLOAD_ENCRYPTION_KEY: expected a base64-encoded 32-byte AES-256 key');
  expect(message).toContain('MOODLE_URL:');
  expect(message).not.toContain(leaked);
});
