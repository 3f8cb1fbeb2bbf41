import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runShell, type ShellElectron, type ShellWindow } from '../../electron/shell.js';
import { start } from '../../server/cli/start.js';

/** A stand-in for the electron module: records what the shell asked of it. */
function mockElectron() {
  const calls: string[] = [];
  const appListeners = new Map<string, (e: { preventDefault(): void }) => void>();
  let navigate: ((e: { preventDefault(): void }, url: string) => void) | undefined;
  let openHandler: ((d: { url: string }) => { action: 'deny' | 'allow' }) | undefined;
  const windows: Array<{ options: Record<string, unknown>; loaded?: string }> = [];
  class FakeWindow implements ShellWindow {
    private readonly record: { options: Record<string, unknown>; loaded?: string };
    constructor(options: Record<string, unknown>) {
      this.record = { options };
      windows.push(this.record);
    }
    async loadURL(url: string) {
      this.record.loaded = url;
    }
    on() {}
    webContents = {
      setWindowOpenHandler: (h: typeof openHandler) => (openHandler = h),
      on: (_event: 'will-navigate', l: typeof navigate) => (navigate = l),
    };
  }
  const electron: ShellElectron = {
    app: {
      whenReady: async () => void calls.push('ready'),
      on: (event, listener) => void appListeners.set(event, listener),
      quit: () => void calls.push('quit'),
      getPath: () => '/tmp/user-data',
    },
    BrowserWindow: FakeWindow,
    shell: { openExternal: async (url) => void calls.push(`external ${url}`) },
    dialog: { showErrorBox: (title) => void calls.push(`error ${title}`) },
  };
  return {
    electron,
    calls,
    windows,
    appListeners,
    navigate: (url: string) => {
      let prevented = false;
      navigate!({ preventDefault: () => (prevented = true) }, url);
      return prevented;
    },
    open: (url: string) => openHandler!({ url }).action,
  };
}

test('the shell opens one isolated window on the lab URL and keeps it on the lab', async () => {
  const mock = mockElectron();
  let closed = 0;
  const url = 'http://127.0.0.1:8025/?token=t0k';
  await runShell({ electron: mock.electron, openLab: async () => ({ url, close: async () => void closed++ }) });
  assert.equal(mock.windows.length, 1);
  assert.equal(mock.windows[0]!.loaded, url);
  assert.deepEqual(mock.windows[0]!.options.webPreferences, {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
  });
  assert.equal(mock.navigate('http://127.0.0.1:8025/other'), false, 'the lab itself may navigate');
  assert.equal(mock.navigate('https://evil.example/'), true, 'another origin is refused in the window…');
  assert.ok(mock.calls.includes('external https://evil.example/'), '…and opened in the browser');
  assert.equal(mock.navigate('file:///etc/passwd'), true);
  assert.ok(!mock.calls.some((c) => c.includes('file:')), 'never hands file: URLs to the OS');
  assert.equal(mock.open('https://example.com/'), 'deny');

  // Quit: the world stops first, then the app quits for real.
  let prevented = false;
  mock.appListeners.get('before-quit')!({ preventDefault: () => (prevented = true) });
  assert.equal(prevented, true);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(closed, 1);
  assert.ok(mock.calls.includes('quit'));
});

test('a world that cannot start is reported in a dialog and the app quits', async () => {
  const mock = mockElectron();
  await assert.rejects(
    runShell({
      electron: mock.electron,
      openLab: async () => {
        throw new Error('mta.siroe.example smtp: port 2525 is already in use');
      },
    }),
    /already in use/,
  );
  assert.deepEqual(mock.calls, ['ready', 'error Mailscope could not start its world', 'quit']);
});

test('npm start falls back to the browser when Electron is not available', async (t) => {
  const logged: string[] = [];
  t.mock.method(console, 'log', (line: string) => void logged.push(line));
  // The fallback is `serve`; an unknown option makes it stop right after choosing it.
  await assert.rejects(
    start(['--no-such-option'], () => undefined),
    /no-such-option/,
  );
  assert.match(logged.join('\n'), /serving the lab for your browser instead/);
});
