// The Electron main process entry (package.json "main"). Electron runs this file
// itself, so it is plain JavaScript: it registers tsx to load the TypeScript of
// server/ and electron/shell.ts, then hands over. Nothing else lives here.
import { app, BrowserWindow, dialog, shell } from 'electron';
import { register } from 'tsx/esm/api';

register();
const { runShell } = await import('./shell.ts');
const { openLab } = await import('../server/cli/serve.ts');

// Arguments after the app path are the serve options (--data-dir, --world, --bind, --clock).
const argv = process.argv.slice(2).filter((arg) => !arg.startsWith('--inspect') && arg !== '.');
await runShell({
  electron: { app, BrowserWindow, dialog, shell },
  openLab: async () => {
    const lab = await openLab(argv);
    return { url: lab.world.controlUrl, close: lab.close };
  },
  log: (line) => console.error(line),
});
