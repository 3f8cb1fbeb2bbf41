import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { WorldSpec } from '../../server/api/world-spec.js';

/** The default world, as the directory tests read it. */
export function defaultWorld(): WorldSpec {
  const file = fileURLToPath(new URL('../../server/world/default-world.yaml', import.meta.url));
  return parse(readFileSync(file, 'utf8')) as WorldSpec;
}

export const SERVICE = { dn: 'uid=mailsrv,ou=Services,o=siroe.example', password: 'service-secret' };
