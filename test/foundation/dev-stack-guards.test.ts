import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PidFile } from '../../src/commands/pid-file';
import { assertPortFree, isPortFree } from '../../src/commands/free-ports';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'dev-guards-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a port held by another program gives one sentence naming the port, its purpose and the fix', async () => {
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const { port } = holder.address() as net.AddressInfo;
  try {
    expect(await isPortFree(port)).toBe(false);
    await expect(assertPortFree(port, 'gateway', 'stop that program or set GATEWAY_PORT to a free port.')).rejects.toThrow(
      `Port ${port} (gateway) is already in use by another program: stop that program or set GATEWAY_PORT to a free port.`,
    );
  } finally {
    await new Promise((resolve) => holder.close(resolve));
  }
  expect(await isPortFree(port)).toBe(true);
});

test('a pid file stops the leftover process it names, and only that kind of process', async () => {
  const leftover = spawn('sleep', ['300'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => leftover.once('exit', resolve));
  const file = path.join(dir, 'sleep.pid');

  const otherKind = new PidFile(file, /temporal.* server start-dev/);
  otherKind.write(leftover.pid!);
  expect(otherKind.livePid()).toBeUndefined(); // pid reused by an unrelated program: never killed

  const ours = new PidFile(file, /^sleep 300$/);
  ours.write(leftover.pid!);
  expect(ours.livePid()).toBe(leftover.pid);
  await expect(ours.stopLeftover()).resolves.toBe(leftover.pid);
  await exited;
  expect(ours.livePid()).toBeUndefined();
});

test('a pid file naming a process that is gone counts as no leftover', async () => {
  const file = path.join(dir, 'gone.pid');
  writeFileSync(file, '999999999\n');
  await expect(new PidFile(file, /.*/).stopLeftover()).resolves.toBeUndefined();
});
