import { startErpnextSandbox } from '../../sandboxes/erpnext';
import { startMoodleSandbox } from '../../sandboxes/moodle';

/**
 * One sandbox as a process of its own, seeded with the demo data as `npm start` seeds it, so the
 * topology run reaches Moodle and ERPNext only over HTTP, as production reaches the real ones.
 *   tsx test/topology/sandbox-process.ts moodle|erpnext <port>
 * Credentials come from the environment (SANDBOX_MOODLE_TOKEN, SANDBOX_ERPNEXT_API_KEY,
 * SANDBOX_ERPNEXT_API_SECRET): production refuses the development ones. Prints `ready <url>`.
 */
async function main(): Promise<void> {
  const [which, portText] = process.argv.slice(2);
  const port = Number(portText);
  if ((which !== 'moodle' && which !== 'erpnext') || !Number.isInteger(port)) throw new Error('usage: sandbox-process.ts moodle|erpnext <port>');
  const env = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set`);
    return value;
  };
  const sandbox =
    which === 'moodle'
      ? await startMoodleSandbox({ port, host: '127.0.0.1', token: env('SANDBOX_MOODLE_TOKEN'), seed: 'demo' })
      : await startErpnextSandbox({ port, host: '127.0.0.1', apiKey: env('SANDBOX_ERPNEXT_API_KEY'), apiSecret: env('SANDBOX_ERPNEXT_API_SECRET'), seed: 'demo' });
  console.log(`ready ${sandbox.url}`);
  const stop = () => void sandbox.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: Error) => {
  console.error(`sandbox: ${err.message}`);
  process.exit(1);
});
