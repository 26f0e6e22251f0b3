import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { startErpnextSandbox, type ErpnextSandbox } from '../../sandboxes/erpnext';
import { secretRotationSteps } from '../../src/commands/setup';
import { loadConfig } from '../../src/config/env';
import { mappingSchema } from '../../src/config/mapping-file';
import { createErpnextClient } from '../../src/erpnext/client';
import { provisionErpnext } from '../../src/erpnext/provisioning/provision-erpnext';
import { buildGateway } from '../../src/gateway/server';
import { frappeSignature, frappeSignatureHeader, verifyFrappeSignature } from '../../src/webhooks/erpnext-contract';
import { deliveredBody, loggedSignature } from './logged-delivery';
import { freePort } from '../support/free-port';
import { connectTestEnv, type TemporalTestEnv } from '../support/temporal';

/**
 * The rotation `setup --rotate-secret` prints, done while Students are admitted without pause:
 * the ERPNext sandbox signs each delivery with the secret its Webhook holds when it sends and
 * retries as Frappe does (1 s, then 4 s), the gateway restarts twice. No workers: what counts is
 * that every admission's webhook reached Temporal as a workflow start.
 */
const oldSecret = 'rotation-secret-old-0123456789abcdef';
const newSecret = 'rotation-secret-new-0123456789abcdef';

let env: TemporalTestEnv;
let sandbox: ErpnextSandbox;

beforeAll(async () => {
  env = await connectTestEnv();
  sandbox = await startErpnextSandbox({ seed: 'empty' });
});
afterAll(async () => {
  await sandbox?.close();
  await env?.close();
});

/** The gateway's public listener as a deployment restarts it: same port, the environment of that step. */
async function startGatewayWith(port: number, secrets: { ERPNEXT_WEBHOOK_SECRET: string; ERPNEXT_WEBHOOK_SECRET_PREVIOUS?: string }): Promise<FastifyInstance> {
  const config = loadConfig('gateway', { ...secrets, LOG_LEVEL: 'silent' }, { developmentDefaults: true });
  const { publicApp, operatorApp } = await buildGateway({ config, temporal: env.client, mapping: mappingSchema.parse({}), logger: pino({ level: 'silent' }) });
  await operatorApp.close();
  await publicApp.listen({ host: '127.0.0.1', port });
  return publicApp;
}

/**
 * One signed delivery on a connection of its own, as Frappe sends each (requests opens one per
 * call). fetch's shared pool could hand the probe a keep-alive socket the restarted gateway had
 * just closed ("other side closed"), which tested the pool, not the rotation.
 */
function deliverOnce(url: string, body: string, secret: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers: { [frappeSignatureHeader]: frappeSignature(body, secret), 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('webhook secret rotation under load', () => {
  it('loses no delivery when the steps are followed in order', async () => {
    expect(secretRotationSteps).toHaveLength(4);
    const erp = createErpnextClient({ url: sandbox.url, apiKey: 'dev-key', apiSecret: 'dev-secret' });
    const port = await freePort();
    const gatewayUrl = `http://127.0.0.1:${port}`;
    let gateway = await startGatewayWith(port, { ERPNEXT_WEBHOOK_SECRET: oldSecret });
    await provisionErpnext(erp, { gatewayUrl, secret: oldSecret });

    const admitted: string[] = [];
    let flowing = true;
    const flow = (async () => {
      for (let i = 0; flowing; i++) {
        admitted.push((await erp.insert('Student', { first_name: `Rota${i}`, student_email_id: `rota${i}@students.cbu.example` })).name);
        await sleep(25);
      }
    })();
    try {
      await sleep(300);
      // 1. The gateway accepts both.
      await gateway.close();
      gateway = await startGatewayWith(port, { ERPNEXT_WEBHOOK_SECRET: newSecret, ERPNEXT_WEBHOOK_SECRET_PREVIOUS: oldSecret });
      const oldSigned = `{"doctype": "Student", "event": "on_update", "name": "EDU-STU-2026-99998", "modified": "2026-12-01 08:55:13.393763"}`;
      expect(await deliverOnce(`${gatewayUrl}/webhooks/erpnext/student/on_update`, oldSigned, oldSecret)).toBe(202);
      await sleep(300);
      // 2. Every Webhook signs with the new secret.
      await provisionErpnext(erp, { gatewayUrl, secret: newSecret, rotateSecret: true });
      await sleep(300);
      // 3. What ERPNext held has been sent (idle: no job from before step 2 is still trying).
      await sandbox.state.webhooks.idle();
      // 4. The old secret is retired.
      await gateway.close();
      gateway = await startGatewayWith(port, { ERPNEXT_WEBHOOK_SECRET: newSecret });
      await sleep(300);
      expect(await deliverOnce(`${gatewayUrl}/webhooks/erpnext/student/on_update`, oldSigned, oldSecret)).toBe(401);
    } finally {
      flowing = false;
      await flow;
      await sandbox.state.webhooks.idle();
      await gateway.close();
    }

    // Every try Frappe made is in its Webhook Request Log: none was refused, some were signed with each secret.
    const logs = await erp.getList('Webhook Request Log', { fields: ['reference_document', 'url', 'headers', 'data', 'response', 'error'], limitPageLength: 0 });
    expect(logs.filter((log) => String(log.error ?? '').includes('401'))).toEqual([]);
    const delivered = logs.filter((log) => log.response !== null && String(log.url).endsWith('/after_insert'));
    const bodies = await Promise.all(delivered.map((log) => deliveredBody(erp, String(log.url), String(log.data))));
    const signedWith = (secret: string) => delivered.filter((log, i) => verifyFrappeSignature(Buffer.from(bodies[i]), loggedSignature(String(log.headers)), secret)).length;
    expect(signedWith(oldSecret)).toBeGreaterThan(0);
    expect(signedWith(newSecret)).toBeGreaterThan(0);
    expect(new Set(delivered.map((log) => String(log.reference_document)))).toEqual(new Set(admitted));

    // And each admission is a workflow start in Temporal.
    const missing: string[] = [];
    for (const student of admitted) {
      await env.client.workflow.getHandle(`onboard:${student}`).describe().catch(() => missing.push(student));
    }
    expect({ admitted: admitted.length, missing }).toEqual({ admitted: admitted.length, missing: [] });
    expect(admitted.length).toBeGreaterThan(20);
  }, 90_000);
});
