// End-to-end test of the portal in headless Chromium against a running stack (./aegis up, or the
// e2e module's own stack in ./mvnw verify): register on Keycloak's page, log out and log in again,
// classify, attack + download, history, batch of 10 + CSV, log out. Screenshots of every page go
// to AEGIS_E2E_ARTIFACTS (default target/e2e-screenshots/). Each step is printed as it starts and ends.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { png } from './png.mjs';

const base = process.env.AEGIS_E2E_BASE_URL;
if (!base) {
  console.log('e2e: skipped — AEGIS_E2E_BASE_URL is not set (start the stack with ./aegis up and set it to its gateway URL)');
  process.exit(0);
}
const browserPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(browserPath)) {
  console.error(`e2e: FAILED — no Chromium at ${browserPath} (apt-get install -y chromium)`);
  process.exit(1);
}

const shots = process.env.AEGIS_E2E_ARTIFACTS || 'target/e2e-screenshots';
const work = join(shots, 'work');
mkdirSync(shots, { recursive: true });
mkdirSync(work, { recursive: true });
let passed = 0;
const results = [];

async function step(name, fn) {
  const started = Date.now();
  console.log(`e2e: ... ${name}`);
  try {
    await fn();
    passed++;
    results.push(`ok   ${name} (${Date.now() - started} ms)`);
    console.log(`e2e: ok   ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    results.push(`FAIL ${name}: ${e.message}`);
    console.log(`e2e: FAIL ${name} (${Date.now() - started} ms)`);
    throw e;
  }
}

function image(seed) {
  return png(64, 64, (x, y) => [(x * 4 + seed * 37) % 256, (y * 4 + seed * 11) % 256, ((x + y) * 2 + seed) % 256]);
}

const browser = await chromium.launch({
  executablePath: browserPath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
const consoleErrors = [];
// Script errors fail the run. The browser also logs every non-2xx response as a console error
// ("Failed to load resource"); the portal expects some (401 from /api/me before login), so those
// are not counted here: the steps above check the answers that matter.
page.on('console', (m) => {
  if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) consoleErrors.push(m.text());
});
page.on('pageerror', (e) => consoleErrors.push(e.message));

const user = `e2e${Date.now()}`;
const password = 'E2e-Passw0rd!x';
const sample = join(work, 'sample.png');
writeFileSync(sample, image(1));

try {
  await step('register a new user on Keycloak', async () => {
    await page.goto(base);
    await page.getByRole('link', { name: /log in/i }).click();
    await page.waitForURL(/realms\/aegis/);
    await page.getByRole('link', { name: /register/i }).click();
    await page.fill('#username', user);
    if (await page.locator('#email').count()) await page.fill('#email', `${user}@example.test`);
    if (await page.locator('#firstName').count()) await page.fill('#firstName', 'E2E');
    if (await page.locator('#lastName').count()) await page.fill('#lastName', 'Tester');
    await page.fill('#password', password);
    await page.fill('#password-confirm', password);
    await page.screenshot({ path: `${shots}/01-register.png` });
    await page.locator('input[type=submit], button[type=submit]').first().click();
    await page.waitForURL((u) => u.toString().startsWith(base));
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
  });

  await step('log out and log in again with the new account', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('link', { name: /log in/i }).waitFor();
    await page.getByRole('link', { name: /log in/i }).click();
    // the login form must show: logging out ended the Keycloak session too
    await page.waitForURL(/realms\/aegis/);
    await page.fill('#username', user);
    await page.fill('#password', password);
    await page.screenshot({ path: `${shots}/01b-login.png` });
    await page.locator('#kc-login, input[type=submit], button[type=submit]').first().click();
    await page.waitForURL((u) => u.toString().startsWith(base));
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    const me = await page.request.get(`${base}/api/me`);
    if (me.status() !== 200) throw new Error(`after login /api/me answered ${me.status()}`);
    if (!(await me.text()).includes(user)) throw new Error(`/api/me does not name ${user}`);
  });

  await step('classify an image', async () => {
    await page.goto(`${base}/#/classify`);
    await page.getByLabel('Choose an image').setInputFiles(sample);
    await page.getByRole('button', { name: 'Classify' }).click();
    await page.locator('.result .verdict strong').waitFor({ timeout: 60000 });
    await page.screenshot({ path: `${shots}/02-classify.png`, fullPage: true });
  });

  await step('run an FGSM attack and download the adversarial PNG', async () => {
    await page.goto(`${base}/#/attack`);
    await page.getByLabel('Choose an image to attack').setInputFiles(sample);
    await page.getByRole('button', { name: 'Run attack' }).click();
    await page.getByRole('link', { name: 'Download adversarial PNG' }).waitFor({ timeout: 60000 });
    await page.screenshot({ path: `${shots}/03-attack.png`, fullPage: true });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download adversarial PNG' }).click(),
    ]);
    const file = join(work, 'adversarial.png');
    await download.saveAs(file);
    const bytes = readFileSync(file);
    if (bytes.subarray(1, 4).toString('ascii') !== 'PNG') throw new Error('download is not a PNG');
  });

  await step('see both in history', async () => {
    await page.goto(`${base}/#/history`);
    await page.locator('tbody tr').nth(1).waitFor({ timeout: 30000 });
    const kinds = await page.locator('tbody tr td:nth-child(3)').allTextContents();
    if (!kinds.includes('prediction') || !kinds.includes('attack')) throw new Error(`history shows ${kinds}`);
    await page.screenshot({ path: `${shots}/04-history.png`, fullPage: true });
  });

  await step('submit a batch of 10 and download the CSV', async () => {
    const files = [];
    for (let i = 0; i < 10; i++) {
      const f = join(work, `batch-${i}.png`);
      writeFileSync(f, image(i + 10));
      files.push(f);
    }
    await page.goto(`${base}/#/batches`);
    await page.getByLabel('Choose images or one zip').setInputFiles(files);
    await page.getByRole('button', { name: 'Submit batch' }).click();
    await page.getByText(/10 done, 0 failed of 10/).waitFor({ timeout: 120000 });
    await page.screenshot({ path: `${shots}/05-batches.png`, fullPage: true });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const csv = join(work, 'batch.csv');
    await download.saveAs(csv);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    if (lines.length !== 11) throw new Error(`CSV has ${lines.length} lines, expected header + 10`);
  });

  await step('robustness page shows the model card', async () => {
    await page.goto(`${base}/#/robustness`);
    await page.getByRole('heading', { name: /Active model/ }).waitFor();
    await page.screenshot({ path: `${shots}/06-robustness.png`, fullPage: true });
  });

  await step('log out ends the session', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForLoadState('networkidle');
    const me = await page.request.get(`${base}/api/me`);
    if (me.status() !== 401) throw new Error(`after logout /api/me answered ${me.status()}`);
    await page.screenshot({ path: `${shots}/07-logged-out.png` });
  });

  if (consoleErrors.length) throw new Error(`console errors: ${consoleErrors.join(' | ')}`);
} catch (e) {
  await page.screenshot({ path: `${shots}/failure.png`, fullPage: true }).catch(() => undefined);
  console.error(`e2e: ${e.message}`);
  console.error(results.join('\n'));
  console.error(`e2e: ${passed} passed, 1 failed`);
  writeFileSync(join(shots, 'results.txt'), `${results.join('\n')}\n${passed} passed, 1 failed\n`);
  await browser.close();
  process.exit(1);
}
console.log(results.join('\n'));
console.log(`e2e: ${passed} passed, 0 failed`);
writeFileSync(join(shots, 'results.txt'), `${results.join('\n')}\n${passed} passed, 0 failed\n`);
await browser.close();
