/**
 * The desktop shell's logic, written against the few Electron APIs it uses so tests
 * can hand it a mock (`electron` itself is only imported by main.mjs). It boots the
 * world in-process, opens one window on the world's own URL, and keeps that window
 * on the lab: other origins open in the user's browser, never inside the app.
 */

export interface ShellWindow {
  loadURL(url: string): Promise<void>;
  on(event: 'closed', listener: () => void): void;
  webContents: {
    setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' | 'allow' }): void;
    on(event: 'will-navigate', listener: (event: { preventDefault(): void }, url: string) => void): void;
  };
}

export interface ShellElectron {
  app: {
    whenReady(): Promise<void>;
    on(event: 'window-all-closed' | 'before-quit', listener: (event: { preventDefault(): void }) => void): void;
    quit(): void;
    getPath(name: 'userData'): string;
  };
  BrowserWindow: new (options: Record<string, unknown>) => ShellWindow;
  shell: { openExternal(url: string): Promise<void> };
  dialog: { showErrorBox(title: string, content: string): void };
}

export interface ShellLab {
  url: string;
  close(): Promise<void>;
}

export interface ShellDeps {
  electron: ShellElectron;
  /** Starts the world (openLab of server/cli/serve.ts in the real app). */
  openLab(): Promise<ShellLab>;
  log?: (line: string) => void;
}

export async function runShell(deps: ShellDeps): Promise<{ window: ShellWindow; lab: ShellLab }> {
  const { app, BrowserWindow, shell, dialog } = deps.electron;
  await app.whenReady();
  let lab: ShellLab;
  try {
    lab = await deps.openLab();
  } catch (err) {
    dialog.showErrorBox('Mailscope could not start its world', err instanceof Error ? err.message : String(err));
    app.quit();
    throw err;
  }
  const origin = new URL(lab.url).origin;
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Mailscope',
    webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false },
  });
  // Mail content links and the like belong in the user's browser; the app stays on the lab.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (isWebUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (safeOrigin(url) === origin) return;
    event.preventDefault();
    if (isWebUrl(url)) void shell.openExternal(url);
  });
  await window.loadURL(lab.url);

  // Quitting stops the world first (queue and stores closed cleanly), then the app.
  let stopped = false;
  app.on('before-quit', (event) => {
    if (stopped) return;
    event.preventDefault();
    lab
      .close()
      .catch((err: unknown) => deps.log?.(`stopping the world failed: ${String(err)}`))
      .finally(() => {
        stopped = true;
        app.quit();
      });
  });
  app.on('window-all-closed', () => app.quit());
  return { window, lab };
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function isWebUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}
