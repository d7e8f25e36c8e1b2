// The job store suite again, on PostgreSQL (SKIP LOCKED claims) instead of SQLite.
import { useTestBackend } from '../test-support/test-app.js';

useTestBackend('postgres-s3');
await import('./job-store.test.js');
