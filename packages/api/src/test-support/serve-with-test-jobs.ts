// `gradiend-api serve` plus the test-only counting job kind and its route, for multi-process job tests.
import { buildApp } from '../app.js';
import { loadConfig } from '../config/config.js';
import { countingRoutes, createCountingJobKind } from './counting-job-kind.js';

const config = loadConfig();
const { kind } = createCountingJobKind();
const app = await buildApp(config, { jobKinds: [kind] });
await app.register(countingRoutes(kind));
await app.listen({ port: config.port, host: config.host });
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => void app.close().then(() => process.exit(0)));
}
