// Entry point of every host thread. Workers do not inherit tsx from the main thread
// when the lab was started through the tsx CLI, so register it here, then load the
// host's TypeScript module named in workerData.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.module);
