/*
 * What a production process refuses even though it parses: the development values that `npm start`
 * fills in (they are printed in the dev banner and sit in .env.example, so they are public), and
 * secrets the operator chooses that are too short to resist guessing. Credentials another system
 * issues (Frappe's 15-character API key and secret, Moodle's 32-character token, a Temporal Cloud
 * API key) are taken as they come: their length is not the operator's to choose.
 */

/** 32 characters: what `openssl rand -hex 16` gives, 128 bits of randomness. */
export const minimumChosenSecretLength = 32;

const developmentSecrets: Record<string, string> = {
  MOODLE_TOKEN: 'dev-moodle-token',
  ERPNEXT_API_KEY: 'dev-key',
  ERPNEXT_API_SECRET: 'dev-secret',
  ERPNEXT_WEBHOOK_SECRET: 'dev-webhook-secret',
  ADMIN_TOKEN: 'dev-admin-token',
};

/** Secrets the operator generates, each of which must be at least `minimumChosenSecretLength` long. */
const chosenSecrets = ['ADMIN_TOKEN', 'ERPNEXT_WEBHOOK_SECRET', 'ERPNEXT_WEBHOOK_SECRET_PREVIOUS', 'CODEC_TOKENS'] as const;

const hint = `generate one with: openssl rand -hex ${minimumChosenSecretLength / 2}`;

/** One line per refused variable, naming it and never quoting its value. */
export function productionSecretProblems(config: Record<string, unknown>): string[] {
  const problems = new Map<string, string>();
  for (const [name, devValue] of Object.entries(developmentSecrets)) {
    if (config[name] === devValue) problems.set(name, `${name}: is the development value; set the real one`);
  }
  for (const name of chosenSecrets) {
    const value = config[name];
    const values: string[] = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
    if (!problems.has(name) && values.some((v) => v.length < minimumChosenSecretLength)) {
      problems.set(name, `${name}: expected at least ${minimumChosenSecretLength} characters; ${hint}`);
    }
  }
  return [...problems.values()];
}
