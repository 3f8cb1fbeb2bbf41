#!/usr/bin/env node
// The `mailscope` command. The lab is written in TypeScript and run through tsx,
// so there is no build step between editing a file and teaching with it.
import { register } from 'tsx/esm/api';

register();
await import('../server/cli/main.ts');
