import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { processEnv } from '../../src/config/env';
import { workerMemoryEnvironment } from '../../src/temporal/worker-memory';

/**
 * docker-compose.yml is never run here (no Docker engine), so it is checked instead: against the
 * Compose Specification's JSON schema (the copy dclint ships), and against the code, so that every
 * service runs a command the CLI has, every variable it sets is one that process reads, every
 * variable that process requires is set, and every port it publishes or scrapes is one the code
 * listens on.
 */
const root = path.resolve(__dirname, '../..');
const composeText = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
// Merge keys (<<: *anchor) as Compose resolves them.
const compose = parse(composeText, { merge: true }) as {
  services: Record<string, { command?: string[]; environment?: Record<string, string>; env_file?: string; ports?: string[]; expose?: string[]; depends_on?: unknown; volumes?: string[] }>;
};
const envExample = new Set([...readFileSync(path.join(root, '.env.example'), 'utf8').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
const productServices = Object.entries(compose.services).filter(([, service]) => service.command?.[0] === 'worker' || service.command?.[0] === 'gateway');

/** The variables a process cannot start without: no default and not optional. */
function required(processName: 'worker' | 'gateway'): string[] {
  return Object.entries(processEnv[processName].shape)
    .filter(([, schema]) => !(schema as { safeParse(v: unknown): { success: boolean } }).safeParse(undefined).success)
    .map(([name]) => name);
}

const portOf = (address: string) => Number(address.split(':').pop());

test('validates against the Compose Specification schema', () => {
  const schemaPath = path.join(path.dirname(require.resolve('dclint/package.json')), 'schemas/compose.schema.json');
  // Draft-07 named by its https address, which ajv does not alias; draft-07 is ajv's default anyway.
  const { $schema, ...schema } = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
  expect($schema).toMatch(/draft-07/);
  // Formats (durations, ports) are not checked: ajv-formats knows none of Compose's own.
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  const validate = ajv.compile(schema);
  expect(validate(parse(composeText, { merge: true }))).toBe(true);
  expect(validate.errors ?? []).toEqual([]);
  // The schema can fail: a misspelt key is refused.
  expect(validate({ services: { worker: { imagee: 'x' } } })).toBe(false);
});

test('runs the production commands, two workers and one gateway', () => {
  const cli = readFileSync(path.join(root, 'src/cli.ts'), 'utf8');
  for (const [, service] of productServices) expect(cli).toContain(`case '${service.command![0]}':`);
  expect(productServices.filter(([, s]) => s.command![0] === 'worker')).toHaveLength(2);
  expect(productServices.filter(([, s]) => s.command![0] === 'gateway')).toHaveLength(1);
});

test('sets only variables each process reads, and every one it requires', () => {
  for (const [name, service] of productServices) {
    const processName = service.command![0] as 'worker' | 'gateway';
    // Node and glibc read the worker's memory bounds (src/temporal/worker-memory.ts), not Campus Bridge.
    const runtime = processName === 'worker' ? Object.keys(workerMemoryEnvironment) : [];
    const reads = new Set([...Object.keys(processEnv[processName].shape), ...runtime]);
    const set = Object.keys(service.environment ?? {});
    expect({ service: name, unknown: set.filter((variable) => !reads.has(variable)) }).toEqual({ service: name, unknown: [] });
    // env_file .env is a copy of .env.example, which lists every variable (production-image.test.ts).
    expect(service.env_file).toBe('.env');
    const provided = new Set([...set, ...envExample]);
    expect({ service: name, missing: required(processName).filter((variable) => !provided.has(variable)) }).toEqual({ service: name, missing: [] });
  }
});

test('bounds every worker\'s memory as the bench measured it', () => {
  const workers = productServices.filter(([, s]) => s.command![0] === 'worker');
  for (const [name, worker] of workers) {
    const set = Object.fromEntries(Object.keys(workerMemoryEnvironment).map((variable) => [variable, worker.environment?.[variable]]));
    expect({ service: name, ...set }).toEqual({ service: name, ...workerMemoryEnvironment });
  }
});

test('publishes and scrapes the ports the code listens on', () => {
  const gateway = compose.services.gateway;
  const listens = [Number(gateway.environment!.GATEWAY_PORT), Number(gateway.environment!.OPERATOR_PORT)].sort();
  expect(gateway.ports!.map((mapping) => portOf(mapping)).sort()).toEqual(listens);
  expect(JSON.stringify(gateway)).toContain(`http://127.0.0.1:${gateway.environment!.GATEWAY_PORT}/readyz`);

  const workers = productServices.filter(([, s]) => s.command![0] === 'worker');
  for (const [, worker] of workers) expect(worker.expose).toEqual([String(portOf(worker.environment!.WORKER_METRICS_ADDRESS))]);

  // Prometheus scrapes each worker's metrics port and the gateway's operator listener, by service name.
  const prometheus = parse(readFileSync(path.join(root, 'deploy/prometheus/prometheus.yml'), 'utf8')) as { scrape_configs: { static_configs: { targets: string[] }[] }[] };
  const targets = prometheus.scrape_configs.flatMap((job) => job.static_configs.flatMap((config) => config.targets)).sort();
  const expected = [
    ...workers.map(([name, worker]) => `${name}:${portOf(worker.environment!.WORKER_METRICS_ADDRESS)}`),
    `gateway:${gateway.environment!.OPERATOR_PORT}`,
  ].sort();
  expect(targets).toEqual(expected);
  for (const target of targets) expect(Object.keys(compose.services)).toContain(target.split(':')[0]);
});

test('mounts deployment files that exist in the repository', () => {
  const mounted = Object.values(compose.services)
    .flatMap((service) => service.volumes ?? [])
    .filter((volume) => volume.startsWith('./'))
    .map((volume) => volume.split(':')[0])
    // Secrets the operator writes are not in git.
    .filter((source) => !source.endsWith('admin-token'));
  expect(mounted.length).toBeGreaterThan(0);
  expect(mounted.filter((source) => !existsSync(path.join(root, source)))).toEqual([]);
});
