import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ensureRendererBuilt, isRendererFresh } from '../../server/http/renderer-build.js';

/** A renderer folder of its own: a page, a script, a Vite config (no React: the build stays quick). */
function tinyRenderer(): string {
  const root = mkdtempSync(join(tmpdir(), 'mailscope-'));
  const dir = join(root, 'renderer');
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(
    join(dir, 'vite.config.ts'),
    `import { fileURLToPath } from 'node:url';\nexport default { root: fileURLToPath(new URL('.', import.meta.url)), base: './', logLevel: 'warn' };\n`,
  );
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><div id="x"></div><script type="module" src="./src/main.js"></script>\n',
  );
  writeFileSync(join(dir, 'src', 'main.js'), 'document.getElementById("x").textContent = "one";\n');
  return dir;
}

test('the renderer is built when missing or stale, once for concurrent callers, and assets are replaced', async (t) => {
  const dir = tinyRenderer();
  t.after(() => rmSync(join(dir, '..'), { recursive: true, force: true }));
  assert.equal(isRendererFresh(dir), false, 'nothing built yet');

  const [a, b] = await Promise.all([
    ensureRendererBuilt({ rendererDir: dir }),
    ensureRendererBuilt({ rendererDir: dir }),
  ]);
  assert.equal(a, join(dir, 'dist'));
  assert.equal(b, a);
  assert.equal(isRendererFresh(dir), true);
  const firstAssets = readdirSync(join(a!, 'assets'));
  assert.equal(firstAssets.filter((f) => f.endsWith('.js')).length, 1);
  assert.ok(
    readdirSync(dir).every((f) => !f.startsWith('.build')),
    'no temporary build folder or lock left',
  );

  // A source changed: stale, rebuilt, and the old bundle is gone.
  writeFileSync(join(dir, 'src', 'main.js'), 'document.getElementById("x").textContent = "two";\n');
  const later = new Date(Date.now() + 5000);
  utimesSync(join(dir, 'src', 'main.js'), later, later);
  assert.equal(isRendererFresh(dir), false);
  await ensureRendererBuilt({ rendererDir: dir });
  assert.equal(isRendererFresh(dir), true);
  const js = readdirSync(join(dir, 'dist', 'assets')).filter((f) => f.endsWith('.js'));
  assert.equal(js.length, 1);
  assert.notDeepEqual(
    js,
    firstAssets.filter((f) => f.endsWith('.js')),
  );
  assert.match(readFileSync(join(dir, 'dist', 'assets', js[0]!), 'utf8'), /two/);
  assert.match(readFileSync(join(dir, 'dist', 'index.html'), 'utf8'), new RegExp(`\\./assets/${js[0]}`));
});
