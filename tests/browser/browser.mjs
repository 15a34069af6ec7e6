// Shared set-up for the browser tests: Debian's Chromium driven by playwright-core, a tuoyu server with the
// demo data, and a filing that is ready to be approved.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { expectStatus, show } from '../http/harness.mjs';
import { attachAll, dossier } from '../http/fixtures.mjs';

export const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test-artifacts');
export const CHROMIUM = process.env.TUOYU_CHROMIUM || '/usr/bin/chromium';

// The flags this machine needs: no sandbox as root, and no background traffic to the closed network.
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launch Chromium with a fresh profile dir. Resolves { context, close }. */
export async function launch(options = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tuoyu-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...options,
  });
  context.setDefaultTimeout(15000);
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Collect console errors and uncaught exceptions of a page (CSP violations show up here). */
export function watchErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (/favicon\.ico$/.test(m.location().url || '')) return;
    errors.push(`console: ${m.text()} (${m.location().url || ''})`);
  });
  return errors;
}

export async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/**
 * Make the demo operator's institution ready for approval, whatever state the demo left its filing in:
 * submit a clean dossier and all seven attachments. Resolves { institutionId, filingId, name }.
 */
export async function approvableFiling(srv) {
  for (const who of ['operator', 'county_zhangwan']) srv.tokens[who] ||= await srv.createToken(who);
  const me = await srv.get('/api/v1/session', { as: 'operator' });
  assert.equal(me.status, 200, show(me));
  const institutionId = me.json.user.institution_id;
  const inst = await srv.get(`/api/v1/institutions/${institutionId}`, { as: 'operator' });
  assert.equal(inst.json.state, 'registered', 'the demo operator institution should be registered, not filed');
  assert.equal(inst.json.district_code, '420303', 'the demo operator institution should be in 张湾区');
  const f = await srv.post(`/api/v1/institutions/${institutionId}/filings`, dossier(), { as: 'operator' });
  expectStatus(f, 201);
  await attachAll(srv, f.json.id, 'operator');
  return { institutionId, filingId: f.json.id, name: inst.json.name };
}

/** Fill a form control by its name, whether it is a select or a text/number input. */
export async function setField(page, name, value) {
  const el = page.locator(`[name="${name}"]`).first();
  const tag = await el.evaluate((e) => e.tagName.toLowerCase());
  if (tag !== 'select') return el.fill(String(value));
  const values = await el.locator('option').evaluateAll((os) => os.map((o) => o.value));
  if (values.includes(String(value))) return el.selectOption(String(value));
  // A select of age bands: take the numeric option nearest to the wanted value.
  const numeric = values.filter((v) => v !== '' && !Number.isNaN(Number(v)));
  assert.ok(numeric.length, `no option for ${name}=${value} among ${values}`);
  numeric.sort((a, b) => Math.abs(a - value) - Math.abs(b - value));
  return el.selectOption(numeric[0]);
}
