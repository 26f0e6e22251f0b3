import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Path of a working `temporal` CLI, installing it on first use (scripts/temporal-cli.sh). */
export function temporalCliPath(): string {
  const script = path.resolve(__dirname, '../../scripts/temporal-cli.sh');
  return execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}
