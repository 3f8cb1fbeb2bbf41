import { UsageError } from './args.js';
import { queueCommand, qmUsage } from './qm.js';
import { serve, serveUsage } from './serve.js';
import { start } from './start.js';

const usage = `usage:
  ${serveUsage}
  mailscope start     the desktop app (falls back to serve + browser where Electron is absent)
  ${qmUsage}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      await serve(rest);
      return 0;
    case 'start':
      await start(rest);
      return 0;
    case 'qm':
      return queueCommand(rest);
    case 'help':
    case '--help':
    case undefined:
      console.log(usage);
      return command === undefined ? 1 : 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(`mailscope: ${err.message}\n${usage}`);
      process.exit(2);
    }
    console.error(`mailscope: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
