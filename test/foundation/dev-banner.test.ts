import { devBanner } from '../../src/commands/dev-banner';
import { loadConfig } from '../../src/config/env';

const where = { gatewayUrl: 'http://127.0.0.1:3000', operatorUrl: 'http://127.0.0.1:3001', uiPort: 8233, realMoodle: false, realErpnext: false };

test('the npm start banner prints the demo credentials, one row per part of the stack', () => {
  const lines = devBanner(loadConfig('dev', {}, { developmentDefaults: true }), where).split('\n');
  expect(lines).toHaveLength(9); // top rule, header, header rule, five rows, bottom rule
  expect(lines.slice(3, 8).map((line) => line.split('│')[1].trim())).toEqual(['Temporal Web UI', 'Gateway', 'Operator API', 'Moodle sandbox', 'ERPNext sandbox']);
  expect(lines.join('\n')).toContain('Authorization: token dev-key:dev-secret');
  expect(new Set(lines.map((line) => line.length)).size).toBe(1);
});

test('a configured secret is named by its variable, never printed', () => {
  const env = { ADMIN_TOKEN: 'admin-s3cret', MOODLE_TOKEN: 'moodle-s3cret', ERPNEXT_API_KEY: 'erp-k3y', ERPNEXT_API_SECRET: 'erp-s3cret' };
  const banner = devBanner(loadConfig('dev', env, { developmentDefaults: true }), where);
  for (const value of Object.values(env)) expect(banner).not.toContain(value);
  expect(banner).toContain('bearer (ADMIN_TOKEN)');
  expect(banner).toContain('token (ERPNEXT_API_KEY):(ERPNEXT_API_SECRET)');
});
