/**
 * The UI in a real browser against a real world: the built renderer served by the
 * control server, headless Chromium driven by playwright-core, a message sent over
 * SMTP. Screenshots go to test-artifacts/ for a human to look at.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import nodemailer from 'nodemailer';
import { chromium, type Page } from 'playwright-core';
import { ensureRendererBuilt } from '../../server/http/renderer-build.js';
import { createWorld } from '../../server/world/create-world.js';
import { loadWorldSpec, withEphemeralPorts } from '../../server/world/load-spec.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const artifacts = new URL('../../test-artifacts/', import.meta.url).pathname;

function requireChromium(): void {
  // CI installs it; a silent skip would hide that the browser tests never ran.
  assert.ok(existsSync(CHROMIUM), `the browser tests need Chromium at ${CHROMIUM} (Debian: apt-get install chromium)`);
}

async function storedCount(page: Page, node: string): Promise<number> {
  const text = await page.locator(`.react-flow__node[data-id="${node}"] [data-testid="stored-count"]`).textContent();
  return Number(text);
}

test('the UI draws every host of the world and a message to bob moving through it', async (t) => {
  requireChromium();
  const staticDir = await ensureRendererBuilt();
  assert.ok(staticDir, 'the renderer is built');
  const dataDir = mkdtempSync(join(tmpdir(), 'mailscope-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const spec = withEphemeralPorts(loadWorldSpec());
  const world = await createWorld(spec, { dataDir, staticDir });
  t.after(() => world.stop());
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  mkdirSync(artifacts, { recursive: true });

  await page.goto(world.controlUrl!);
  for (const host of spec.hosts) {
    await page.locator(`.react-flow__node[data-id="${host.name}"]`).waitFor();
  }
  assert.ok(!page.url().includes('token='), 'the token is stripped from the address bar');
  await page.locator('[data-testid="connection"]', { hasText: 'live' }).waitFor();
  const storeB = 'mailboxb.siroe.example';
  const storedBefore = await storedCount(page, storeB);
  await page.screenshot({ path: join(artifacts, 'ui-world.png') });

  const smtp = world.bindings.find((b) => b.host === 'mta.siroe.example' && b.protocol === 'smtp')!;
  const info = await nodemailer
    .createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true })
    .sendMail({ from: 'erin@example.com', to: 'bob@siroe.example', subject: 'Drawn live', text: 'hello' });
  const queueId = /queued as (msg_\w+)/.exec(info.response)![1]!;

  await page.locator(`[data-token-trace="${queueId}"]`).first().waitFor({ state: 'attached' });
  await page.screenshot({ path: join(artifacts, 'ui-token.png') });

  await page.getByLabel('filter by message').fill(queueId);
  const list = page.getByTestId('event-list');
  await list.locator('.event-row[data-kind="message.accepted"]').waitFor();
  await list.locator('.event-row[data-kind="mailbox.stored"]').waitFor();
  await page.waitForFunction(
    ([node, before]) =>
      Number(document.querySelector(`.react-flow__node[data-id="${node}"] [data-testid="stored-count"]`)?.textContent) >
      before,
    [storeB, storedBefore] as const,
  );
  assert.equal(await storedCount(page, storeB), storedBefore + 1);

  // Follow the message: its path is highlighted, the rest dimmed.
  await list.locator('.event-row[data-kind="message.accepted"]').click();
  await page.getByTestId('following').waitFor();
  assert.equal(await page.locator(`.react-flow__node[data-id="${storeB}"] .mail-node--focus-on`).count(), 1);
  assert.equal(
    await page.locator('.react-flow__node[data-id="mailboxa.siroe.example"] .mail-node--focus-off').count(),
    1,
  );
  await page.screenshot({ path: join(artifacts, 'ui-follow.png') });

  // Pause stops every edge's animation timeline; play resumes it.
  const edgeTimelines = () =>
    page.evaluate(() =>
      [...document.querySelectorAll('.react-flow__edge')].map((g) =>
        (g.closest('svg') as SVGSVGElement).animationsPaused(),
      ),
    );
  await page.getByTestId('pause').click();
  assert.ok((await edgeTimelines()).every((paused) => paused));
  await page.getByTestId('pause').click();
  assert.ok((await edgeTimelines()).every((paused) => !paused));

  // A dragged node keeps its place, saved per world.
  const mta = page.locator('.react-flow__node[data-id="mta.siroe.example"]');
  const box = (await mta.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 10);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 40, box.y + 90, { steps: 5 });
  await page.mouse.up();
  const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('mailscope.layout.siroe.example') ?? '{}'));
  assert.ok(saved['mta.siroe.example'], 'the dragged position is saved');
  assert.deepEqual(pageErrors, []);
});
