// The labeled-set and evaluation suite again (set blobs, jobs, their stored results), on PostgreSQL + an S3-protocol server.
import { useTestBackend } from '../test-support/test-app.js';

useTestBackend('postgres-s3');
await import('./evaluation.test.js');
