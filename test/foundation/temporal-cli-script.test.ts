import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const script = path.resolve(__dirname, '../../scripts/temporal-cli.sh');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'temporal-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function executable(name: string, body: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/usr/bin/env bash\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

function runScript(env: NodeJS.ProcessEnv) {
  // An empty cache folder: nothing but TEMPORAL_CLI_PATH can satisfy the script without installing.
  return spawnSync('bash', [script], { env: { ...process.env, CAMPUS_BRIDGE_CACHE: path.join(dir, 'cache'), ...env }, encoding: 'utf8' });
}

test('TEMPORAL_CLI_PATH wins over any other temporal binary', () => {
  const cli = executable('temporal-ok', 'echo "temporal version 1.9.1"');
  const result = runScript({ TEMPORAL_CLI_PATH: cli });
  expect(result.status).toBe(0);
  expect(result.stdout).toBe(`${cli}\n`);
});

test('a TEMPORAL_CLI_PATH that does not run fails with one clear sentence', () => {
  const cli = executable('temporal-broken', 'echo "cannot execute binary file" >&2; exit 126');
  const result = runScript({ TEMPORAL_CLI_PATH: cli });
  expect(result.status).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr.trim().split('\n')).toEqual([`temporal-cli: TEMPORAL_CLI_PATH=${cli} does not run.`]);
});

test('a TEMPORAL_CLI_PATH that does not exist fails the same way', () => {
  const missing = path.join(dir, 'no-such-temporal');
  const result = runScript({ TEMPORAL_CLI_PATH: missing });
  expect(result.status).toBe(1);
  expect(result.stderr.trim()).toBe(`temporal-cli: TEMPORAL_CLI_PATH=${missing} does not run.`);
});
