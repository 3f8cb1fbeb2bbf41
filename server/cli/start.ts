import { serve } from './serve.js';

/**
 * `npm start`. The desktop shell (electron/) opens the UI in its own window; until it
 * exists — and on machines where Electron's binary cannot be fetched — the same world
 * is served headless and the UI opens in any browser at the ready URL.
 */
export async function start(argv: string[]): Promise<void> {
  console.log('The desktop window needs Electron, which this installation does not have:');
  console.log('serving the lab for your browser instead. Open the ready URL below.');
  await serve(argv);
}
