import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { serve } from './serve.js';

/**
 * `npm start`: the desktop app. Electron 42+ fetches its binary on first use; where
 * that cannot happen (no network, a locked-down machine) requiring it throws, and
 * the same world is served for the browser instead, saying so. MAILSCOPE_BROWSER=1
 * asks for the browser on purpose.
 */
export async function start(argv: string[], locate: () => string | undefined = locateElectron): Promise<void> {
  const electron = process.env.MAILSCOPE_BROWSER === '1' ? undefined : locate();
  if (!electron) {
    console.log('The desktop window needs Electron, which is not available here:');
    console.log('serving the lab for your browser instead. Open the ready URL below.');
    await serve(argv);
    return;
  }
  const appRoot = fileURLToPath(new URL('../..', import.meta.url));
  const child = spawn(electron, [appRoot, ...argv], { stdio: 'inherit' });
  const code = await new Promise<number>((resolve) => child.on('exit', (c, signal) => resolve(signal ? 1 : (c ?? 1))));
  process.exitCode = code;
}

/** The Electron executable's path, or undefined when Electron cannot run here. */
export function locateElectron(): string | undefined {
  try {
    const found = createRequire(import.meta.url)('electron') as unknown;
    return typeof found === 'string' ? found : undefined;
  } catch (err) {
    console.error(`Electron: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    return undefined;
  }
}
