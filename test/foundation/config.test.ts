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

/** A 32-character secret an operator might generate. */
const strong = (seed: string) => seed.repeat(32).slice(0, 32);

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
  const config = loadConfig('gateway', { TEMPORAL_ADDRESS: 'temporal:7233', ADMIN_TOKEN: strong('a'), ERPNEXT_WEBHOOK_SECRET: strong('w') });
  expect(config).toEqual({
    TEMPORAL_ADDRESS: 'temporal:7233',
    TEMPORAL_NAMESPACE: 'default',
    ADMIN_TOKEN: strong('a'),
    ERPNEXT_WEBHOOK_SECRET: strong('w'),
    GATEWAY_PORT: 3000,
    GATEWAY_HOST: '0.0.0.0',
    OPERATOR_PORT: 3001,
    OPERATOR_HOST: '127.0.0.1',
    TEMPORAL_UI_URL: 'http://localhost:8233',
    LOG_LEVEL: 'info',
  });
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

test('the Moodle webhook settings are read by the gateway only, optional and without development defaults', () => {
  for (const [name, schema] of Object.entries(processEnv)) {
    const read = Object.keys(schema.shape).filter((variable) => variable.startsWith('MOODLE_WEBHOOK'));
    expect(read).toEqual(name === 'gateway' || name === 'dev' ? ['MOODLE_WEBHOOK_AUTH', 'MOODLE_WEBHOOK_SECRET'] : []);
  }
  expect(Object.keys(developmentDefaults).filter((name) => name.startsWith('MOODLE_WEBHOOK'))).toEqual([]);
  expect(problemsOf('gateway', { ...developmentDefaults, MOODLE_WEBHOOK_AUTH: 'signed' })).toEqual(['MOODLE_WEBHOOK_AUTH: expected standard-webhooks (local_webhookengine) or local_webhooks']);
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

describe('production commands refuse weak and development secrets, naming the variable', () => {
  const gatewayEnv = { TEMPORAL_ADDRESS: 'temporal:7233', ADMIN_TOKEN: strong('a'), ERPNEXT_WEBHOOK_SECRET: strong('w') };

  test('the development values are refused without development defaults', () => {
    expect(problemsOf('gateway', { ...gatewayEnv, ADMIN_TOKEN: developmentDefaults.ADMIN_TOKEN })).toEqual(['ADMIN_TOKEN: is the development value; set the real one']);
    expect(problemsOf('worker', { ...developmentDefaults })).toEqual([
      'MOODLE_TOKEN: is the development value; set the real one',
      'ERPNEXT_API_KEY: is the development value; set the real one',
      'ERPNEXT_API_SECRET: is the development value; set the real one',
    ]);
    expect(namedIn(problemsOf('setup', { ...developmentDefaults }))).toEqual(['ERPNEXT_API_KEY', 'ERPNEXT_API_SECRET', 'ERPNEXT_WEBHOOK_SECRET']);
  });

  test('operator-chosen secrets shorter than 32 characters are refused; one character short is enough', () => {
    const short = 'x'.repeat(31);
    for (const name of ['ADMIN_TOKEN', 'ERPNEXT_WEBHOOK_SECRET', 'ERPNEXT_WEBHOOK_SECRET_PREVIOUS', 'CODEC_TOKENS']) {
      const problems = problemsOf('gateway', { ...gatewayEnv, [name]: short });
      expect(problems).toEqual([`${name}: expected at least 32 characters; generate one with: openssl rand -hex 16`]);
      expect(problems.join()).not.toContain(short);
    }
    expect(problemsOf('gateway', { ...gatewayEnv, CODEC_TOKENS: `${strong('c')},tiny` })).toEqual(['CODEC_TOKENS: expected at least 32 characters; generate one with: openssl rand -hex 16']);
    expect(loadConfig('gateway', { ...gatewayEnv, CODEC_TOKENS: `${strong('c')}, ${strong('d')}` }).CODEC_TOKENS).toEqual([strong('c'), strong('d')]);
  });

  test('credentials other systems issue are taken as they come: Frappe 15-character key and secret, Moodle 32-character token', () => {
    const config = loadConfig('worker', {
      TEMPORAL_ADDRESS: 'temporal:7233',
      MOODLE_URL: 'https://moodle.example.edu',
      MOODLE_TOKEN: '0123456789abcdef0123456789abcdef',
      ERPNEXT_URL: 'https://erp.example.edu',
      ERPNEXT_API_KEY: 'a1b2c3d4e5f6a7b',
      ERPNEXT_API_SECRET: 'f6e5d4c3b2a1f6e',
    });
    expect(config.ERPNEXT_API_KEY).toHaveLength(15);
  });

  test('npm start (development defaults) keeps its demo values', () => {
    expect(loadConfig('dev', {}, { developmentDefaults: true }).ADMIN_TOKEN).toBe('dev-admin-token');
  });
});

test('Temporal TLS: client certificate and key come together', () => {
  const env = { TEMPORAL_ADDRESS: 'temporal:7233' };
  expect(problemsOf('schedules', { ...env, TEMPORAL_TLS_CLIENT_CERT_PATH: '/etc/temporal/client.pem' })).toEqual([
    'TEMPORAL_TLS_CLIENT_CERT_PATH: mTLS needs both it and TEMPORAL_TLS_CLIENT_KEY_PATH',
  ]);
  expect(problemsOf('schedules', { ...env, TEMPORAL_TLS: 'yes' }).map((p) => p.split(':')[0])).toEqual(['TEMPORAL_TLS']);
});
