/**
 * A world and a page on its UI, for the browser tests: the built renderer served by
 * the control server, headless Debian Chromium driven by playwright-core. Everything
 * opened here is closed by the test context. Screenshots go to test-artifacts/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type Page } from 'playwright-core';
import type { WorldSpec } from '../../server/api/world-spec.js';
import { ensureRendererBuilt } from '../../server/http/renderer-build.js';
import { createWorld } from '../../server/world/create-world.js';
import { loadWorldSpec, withEphemeralPorts } from '../../server/world/load-spec.js';
import type { World } from '../../server/world/world.js';
import { sharedKeysDir } from './test-world.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
export const ARTIFACTS_DIR = new URL('../../test-artifacts/', import.meta.url).pathname;

export interface BrowserLab {
  world: World;
  spec: WorldSpec;
  page: Page;
  /** Uncaught errors of the page so far: a test ends by asserting there were none. */
  pageErrors: string[];
  screenshot(name: string): Promise<void>;
}

export async function openBrowserLab(t: TestContext): Promise<BrowserLab> {
  // CI installs it; a silent skip would hide that the browser tests never ran.
  assert.ok(existsSync(CHROMIUM), `the browser tests need Chromium at ${CHROMIUM} (Debian: apt-get install chromium)`);
  const staticDir = await ensureRendererBuilt();
  assert.ok(staticDir, 'the renderer is built');
  const dataDir = mkdtempSync(join(tmpdir(), 'mailscope-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const spec = withEphemeralPorts(loadWorldSpec());
  const world = await createWorld(spec, { dataDir, staticDir, keysDir: sharedKeysDir() });
  t.after(() => world.stop());
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.goto(world.controlUrl);
  await page.locator('[data-testid="connection"]', { hasText: 'live' }).waitFor();
  return {
    world,
    spec,
    page,
    pageErrors,
    screenshot: async (name) => void (await page.screenshot({ path: join(ARTIFACTS_DIR, name) })),
  };
}
