/**
 * npm run bench -- <name> [options]
 *   smtp   end-to-end SMTP: durable accept and delivery into the store
 */
import { benchSmtp } from './smtp.js';

const [name, ...rest] = process.argv.slice(2);
const benches: Record<string, (argv: string[]) => Promise<void>> = { smtp: benchSmtp };

const run = name ? benches[name] : undefined;
if (!run) {
  console.error(`usage: npm run bench -- <${Object.keys(benches).join('|')}> [options]`);
  process.exit(2);
}
await run(rest);
process.exit(0);
