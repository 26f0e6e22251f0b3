import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium driven by playwright-core (no browser download). scripts/chromium.sh finds it
 * or installs the package, so a fresh machine gets it on the first run; when it cannot, the test
 * fails with the script's reason instead of being skipped.
 */
export async function launchChromium(): Promise<Browser> {
  const script = path.resolve(__dirname, '../../scripts/chromium.sh');
  let executablePath: string;
  try {
    // Asynchronously: an install takes a while, and the test's Temporal connections must not time out meanwhile.
    executablePath = (await promisify(execFile)('bash', [script], { encoding: 'utf8', timeout: 600_000 })).stdout.trim();
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`no Chromium for the console test (scripts/chromium.sh): ${stderr.trim() || (err as Error).message}`);
  }
  // Chromium's own sandbox needs user namespaces, which root in a container lacks.
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  return chromium.launch({ executablePath, headless: true, args });
}
