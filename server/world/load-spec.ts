import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, YAMLParseError } from 'yaml';
import type { WorldSpec } from '../api/world-spec.js';
import { validateWorldSpec, WorldSpecError } from './spec-schema.js';

export const defaultWorldFile = fileURLToPath(new URL('./default-world.yaml', import.meta.url));

/** Parse and validate a world spec from YAML text; errors name the file and the line. */
export function parseWorldSpec(text: string, source = 'world spec'): WorldSpec {
  let data: unknown;
  try {
    data = parse(text, { prettyErrors: true });
  } catch (err) {
    const detail = err instanceof YAMLParseError ? err.message : String(err);
    throw new WorldSpecError([`${source}: not valid YAML: ${detail}`]);
  }
  try {
    return validateWorldSpec(data);
  } catch (err) {
    if (err instanceof WorldSpecError) throw new WorldSpecError(err.problems.map((p) => `${source}: ${p}`));
    throw err;
  }
}

export function loadWorldSpec(file: string = defaultWorldFile): WorldSpec {
  return parseWorldSpec(readFileSync(file, 'utf8'), file);
}

/** A copy of the spec with every port set to 0, so a test world takes ephemeral ports. */
export function withEphemeralPorts(spec: WorldSpec): WorldSpec {
  return {
    ...spec,
    hosts: spec.hosts.map((h) => ({ ...h, services: h.services.map((s) => ({ ...s, port: 0 })) })),
  };
}
