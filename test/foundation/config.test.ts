import { gatewayCommand } from '../../src/commands/gateway';
import { workerCommand } from '../../src/commands/worker';
import { ConfigError, developmentDefaults, loadConfig, processEnv, type ProcessName } from '../../src/config/env';

function problemsOf(process: ProcessName, env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(process, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error(`expected loadConfig('${process}') to reject the environment`);
}

const namedIn = (problems: string[]) => problems.map((problem) => problem.split(':')[0]).sort();

test('development defaults make a complete configuration for every process', () => {
  for (const process of Object.keys(processEnv) as ProcessName[]) expect(() => loadConfig(process, {}, { developmentDefaults: true })).not.toThrow();
  const config = loadConfig('dev', {}, { developmentDefaults: true });
  expect(config).toMatchObject({ TEMPORAL_ADDRESS: '127.0.0.1:7233', GATEWAY_PORT: 3000, MOODLE_RATE_PER_SECOND: 20, LOG_LEVEL: 'info' });
});

test('an empty environment names every variable the worker needs, and only those', () => {
  expect(namedIn(problemsOf('worker', {}))).toEqual(['ERPNEXT_API_KEY', 'ERPNEXT_API_SECRET', 'ERPNEXT_URL', 'MOODLE_TOKEN', 'MOODLE_URL', 'TEMPORAL_ADDRESS']);
});

test('the gateway needs neither the Moodle token nor the ERPNext API credentials', () => {
  expect(namedIn(problemsOf('gateway', {}))).toEqual(['ADMIN_TOKEN', 'ERPNEXT_WEBHOOK_SECRET', 'TEMPORAL_ADDRESS']);
  const config = loadConfig('gateway', { TEMPORAL_ADDRESS: 'temporal:7233', ADMIN_TOKEN: 'a', ERPNEXT_WEBHOOK_SECRET: 'w' });
  expect(config).toEqual({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_NAMESPACE: 'default', ADMIN_TOKEN: 'a', ERPNEXT_WEBHOOK_SECRET: 'w', GATEWAY_PORT: 3000, LOG_LEVEL: 'info' });
});

test('the production commands take no development defaults: an empty environment stops them before they connect', async () => {
  await expect(workerCommand({})).rejects.toMatchObject({ name: 'ConfigError', problems: expect.arrayContaining(['MOODLE_TOKEN: expected the Moodle web-service token']) });
  await expect(gatewayCommand({})).rejects.toMatchObject({ name: 'ConfigError', problems: expect.arrayContaining(['ADMIN_TOKEN: expected the bearer token for the admin API']) });
});

test('the operator commands ask only for what they use', () => {
  expect(namedIn(problemsOf('setup', {}))).toEqual(['ERPNEXT_API_KEY', 'ERPNEXT_API_SECRET', 'ERPNEXT_URL', 'ERPNEXT_WEBHOOK_SECRET']);
  expect(namedIn(problemsOf('schedules', {}))).toEqual(['TEMPORAL_ADDRESS']);
  expect(namedIn(problemsOf('sync', {}))).toEqual(['TEMPORAL_ADDRESS']);
});

test('no process reads a variable for a feature that is not built (the Moodle webhook settings)', () => {
  for (const schema of Object.values(processEnv)) {
    expect(Object.keys(schema.shape).filter((name) => name.startsWith('MOODLE_WEBHOOK'))).toEqual([]);
  }
  expect(Object.keys(developmentDefaults).filter((name) => name.startsWith('MOODLE_WEBHOOK'))).toEqual([]);
});

test('each malformed variable gets a message saying what it expects', () => {
  const problems = problemsOf('dev', {
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
  expect(problemsOf('gateway', { ...developmentDefaults, ADMIN_TOKEN: '   ' })).toEqual(['ADMIN_TOKEN: expected the bearer token for the admin API']);
});

test('errors never echo the value of a variable', () => {
  const leaked = 'c2VjcmV0LXZhbHVlLXRoYXQtbXVzdC1ub3QtbGVhaw';
  let message = '';
  try {
    loadConfig('worker', { ...developmentDefaults, PAYLOAD_ENCRYPTION_KEY: leaked, MOODLE_URL: `https://${leaked}` + ' x' });
  } catch (err) {
    message = (err as Error).message;
  }
  expect(message).toContain('PAYLOAD_ENCRYPTION_KEY: expected a base64-encoded 32-byte AES-256 key');
  expect(message).toContain('MOODLE_URL:');
  expect(message).not.toContain(leaked);
});
