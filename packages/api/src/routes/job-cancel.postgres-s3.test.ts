// The job cancel suite again, on PostgreSQL + an S3-protocol server (s3rver) instead of SQLite + files.
import { useTestBackend } from '../test-support/test-app.js';

useTestBackend('postgres-s3');
await import('./job-cancel.test.js');
