// The prune/delete race again, on PostgreSQL + an S3-protocol server instead of SQLite + files.
import { useTestBackend } from '../test-support/test-app.js';

useTestBackend('postgres-s3');
await import('./lineage-race.test.js');
