/**
 * The panels in a real browser against a real world: compose a message from the
 * Compose panel, inspect it (headers, transcript), turn faults on from the Faults
 * panel, watch a deferral in the Queue panel, hold and release a queued message.
 * Every wait is on DOM state; screenshots go to test-artifacts/.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { openBrowserLab } from '../helpers/browser-lab.js';

const SITE_MTA = 'mta.siroe.example';
const SMARTHOST = 'smarthost.siroe.example';

async function openTab(page: Page, area: 'right' | 'bottom', title: string): Promise<Locator> {
  const dock = page.locator(`.dock--${area}`);
  const tab = dock.getByRole('tab', { name: title, exact: true });
  if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
  return dock.locator('.dock__body');
}

/** Sends the preset from the Compose panel; returns the queue id the server gave. */
async function composePreset(page: Page, preset: string): Promise<string> {
  const compose = await openTab(page, 'right', 'Compose');
  await compose.locator(`button[data-preset="${preset}"]`).click();
  // Choosing a preset clears the last result, so the next one is this message's.
  await compose.getByTestId('compose-result').waitFor({ state: 'detached' });
  await compose.getByRole('button', { name: 'Send', exact: true }).click();
  const result = compose.getByTestId('compose-result');
  await result.waitFor();
  const queueId = await result.getAttribute('data-queue-id');
  assert.match(queueId ?? '', /^msg_\w+$/);
  return queueId!;
}

async function turnOnDown(page: Page, host: string): Promise<void> {
  const faults = await openTab(page, 'right', 'Faults & clock');
  const row = faults.getByTestId('fault-row-down');
  await row.getByLabel('down target').selectOption(host);
  await row.getByRole('button', { name: 'turn on down' }).click();
  await faults.locator(`[data-testid="active-fault"][data-fault-kind="down"][data-fault-target="${host}"]`).waitFor();
}

async function queueRow(page: Page, host: string, queueId: string): Promise<Locator> {
  const queue = await openTab(page, 'bottom', 'Queue');
  await queue.getByLabel('queue host').selectOption(host);
  const row = queue.locator(`[data-testid="queue-row"][data-queue-id="${queueId}"]`);
  await row.waitFor();
  return row;
}

test('the panels: compose, inspect, faults, a deferral in the queue, hold and release', async (t) => {
  const { page, pageErrors, screenshot } = await openBrowserLab(t);

  // 1. Compose alice → bob; it shows up in the event list; select it; the inspector shows it.
  const toBob = await composePreset(page, 'local');
  const events = await openTab(page, 'bottom', 'Events');
  await events.getByLabel('filter by message').fill(toBob);
  await events.locator('.event-row[data-kind="mailbox.stored"]').waitFor();
  await events.locator('.event-row[data-kind="message.accepted"]').click();
  const inspector = await openTab(page, 'right', 'Inspector');
  await inspector.locator(`[data-testid="inspector"][data-trace="${toBob}"]`).waitFor();
  const headers = inspector.getByTestId('inspector-headers');
  await headers.getByText('Lunch today?').waitFor();
  await headers.locator('.header--received').first().waitFor();
  assert.ok((await headers.locator('.header--received').count()) >= 1, 'a Received: line per hop');
  const transcripts = inspector.getByTestId('inspector-transcripts');
  await transcripts.getByText('MAIL FROM:<alice@siroe.example>').waitFor();
  await transcripts.getByText(`queued as ${toBob}`).waitFor();
  assert.match((await inspector.getByTestId('inspector-body').textContent()) ?? '', /lunch at noon/);
  // A Received: host is a diagram node: clicking it picks that node.
  await headers.locator('.header--received .link-button', { hasText: SITE_MTA }).first().click();
  await page.locator(`.react-flow__node[data-id="${SITE_MTA}"][data-picked]`).waitFor();
  await screenshot('panels-inspector.png');

  // 1b. Mail HTML is shown only in a sandboxed frame: no script runs, no remote load happens.
  let remoteHits = 0;
  const tracker = createServer((_req, res) => {
    remoteHits += 1;
    res.end('x');
  });
  await new Promise<void>((resolve) => tracker.listen(0, '127.0.0.1', resolve));
  t.after(() => tracker.close());
  const pixel = `http://127.0.0.1:${(tracker.address() as AddressInfo).port}/pixel.gif`;
  const compose = await openTab(page, 'right', 'Compose');
  await compose.getByLabel('to', { exact: true }).fill('bob@siroe.example');
  await compose.getByLabel('subject').fill('Newsletter');
  await compose.getByLabel('text', { exact: true }).fill('');
  await compose.getByText('HTML body and attachments').click();
  await compose
    .getByLabel('html')
    .fill(
      `<h1>Hello in HTML</h1><img src="${pixel}"><script>parent.document.title = 'pwned'</script><img src=x onerror="parent.document.title='pwned'">`,
    );
  await compose.getByRole('button', { name: 'Send', exact: true }).click();
  const newsletter = await compose.getByTestId('compose-result').getAttribute('data-queue-id');
  await openTab(page, 'right', 'Inspector');
  await inspector.locator(`[data-testid="inspector"][data-trace="${newsletter}"]`).waitFor();
  await inspector.getByTestId('inspector-body').filter({ hasText: 'Hello in HTML' }).waitFor();
  await inspector.getByRole('button', { name: /^HTML \(sandboxed/ }).click();
  const frame = inspector.locator('iframe.mail-body__frame');
  assert.equal(await frame.getAttribute('sandbox'), '');
  await page.frameLocator('iframe.mail-body__frame').getByText('Hello in HTML').waitFor();
  // The frame's load event comes after its images loaded or failed: only then is "no request" a fact.
  await page
    .frames()
    .find((f) => f.url() === 'about:srcdoc')!
    .waitForLoadState('load');
  assert.equal(remoteHits, 0, 'no request left the sandbox');
  assert.notEqual(await page.title(), 'pwned');
  await screenshot('panels-html-sandboxed.png');

  // 2. Both MX of example.com down; alice → erin: the smarthost defers it; hold it there, release it.
  await turnOnDown(page, 'mx1.example.com');
  await turnOnDown(page, 'mx2.example.com');
  await screenshot('panels-faults.png');
  await composePreset(page, 'internet');
  const queue = await openTab(page, 'bottom', 'Queue');
  await queue.getByLabel('queue host').selectOption(SMARTHOST);
  const row = queue
    .locator('[data-testid="queue-row"]', {
      has: page.locator('tr[data-recipient="erin@example.com"] .status', { hasText: 'deferred' }),
    })
    .first();
  await row.waitFor();
  await row.locator('.countdown', { hasText: /^in / }).waitFor();
  await screenshot('panels-queue-deferred.png');
  await row.getByRole('button', { name: 'hold', exact: true }).click();
  await row.getByTestId('queue-status').filter({ hasText: 'held' }).waitFor();
  await row.getByText('held: held by operator').waitFor();
  await screenshot('panels-queue-held.png');
  await row.getByRole('button', { name: 'release', exact: true }).click();
  await row.getByTestId('queue-status').filter({ hasText: 'deferred' }).waitFor();
  assert.equal(await row.getByRole('button', { name: 'hold', exact: true }).count(), 1, 'holdable again');

  // 3. The site MTA's own queue: with the smarthost down too, the message waits at the site.
  await turnOnDown(page, SMARTHOST);
  const stuck = await composePreset(page, 'internet');
  const siteRow = await queueRow(page, SITE_MTA, stuck);
  await siteRow.locator('tr[data-recipient="erin@example.com"] .status', { hasText: 'deferred' }).waitFor();
  await page
    .locator(`.react-flow__node[data-id="@queue"] [data-testid="queue-deferred"]`, { hasText: /^1 deferred/ })
    .waitFor();

  // 4. Presenter mode and the dark theme from the keyboard; the help opens with '?'.
  await page.locator('body').click({ position: { x: 5, y: 500 } });
  await page.keyboard.press('p');
  await page.locator('html[data-presenter="on"]').waitFor({ state: 'attached' });
  await page.keyboard.press('t');
  await page.locator('html[data-theme="dark"]').waitFor({ state: 'attached' });
  await page.keyboard.press('?');
  await page.getByRole('dialog', { name: 'keyboard shortcuts' }).waitFor();
  await screenshot('panels-presenter-dark.png');
  await page.keyboard.press('Escape');
  await page.getByRole('dialog', { name: 'keyboard shortcuts' }).waitFor({ state: 'detached' });
  assert.deepEqual(pageErrors, []);
});
