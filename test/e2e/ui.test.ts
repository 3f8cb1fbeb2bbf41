/**
 * The UI in a real browser against a real world: the built renderer served by the
 * control server, headless Chromium driven by playwright-core, a message sent over
 * SMTP. Screenshots go to test-artifacts/ for a human to look at.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import nodemailer from 'nodemailer';
import type { Page } from 'playwright-core';
import { openBrowserLab } from '../helpers/browser-lab.js';

async function storedCount(page: Page, node: string): Promise<number> {
  const text = await page.locator(`.react-flow__node[data-id="${node}"] [data-testid="stored-count"]`).textContent();
  return Number(text);
}

test('the UI draws every host of the world and a message to bob moving through it', async (t) => {
  const { world, spec, page, pageErrors, screenshot } = await openBrowserLab(t);
  for (const host of spec.hosts) {
    await page.locator(`.react-flow__node[data-id="${host.name}"]`).waitFor();
  }
  assert.ok(!page.url().includes('token='), 'the token is stripped from the address bar');
  const storeB = 'mailboxb.siroe.example';
  const storedBefore = await storedCount(page, storeB);
  await screenshot('ui-world.png');

  const smtp = world.bindings.find((b) => b.host === 'mta.siroe.example' && b.protocol === 'smtp')!;
  const info = await nodemailer
    .createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true })
    .sendMail({ from: 'erin@example.com', to: 'bob@siroe.example', subject: 'Drawn live', text: 'hello' });
  const queueId = /queued as (msg_\w+)/.exec(info.response)![1]!;

  await page.locator(`[data-token-trace="${queueId}"]`).first().waitFor({ state: 'attached' });
  await screenshot('ui-token.png');

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
  await screenshot('ui-follow.png');

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
