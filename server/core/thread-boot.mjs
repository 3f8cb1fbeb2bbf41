// Entry point of every host thread. Workers do not inherit tsx from the main thread
// when the lab was started through the tsx CLI, so register it here, then load the
// host's TypeScript module named in workerData and run its `runThread()`.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
const host = await import(workerData.module);
host.runThread();
