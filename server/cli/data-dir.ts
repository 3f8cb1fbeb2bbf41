import { homedir } from 'node:os';
import { join } from 'node:path';

/** The per-user data folder, so mail survives a restart: the platform's usual place. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Mailscope');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Mailscope');
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'mailscope');
}
