// The name-limits suite again, on PostgreSQL + an S3-protocol server (s3rver).
import { useTestBackend } from '../test-support/test-app.js';

useTestBackend('postgres-s3');
await import('./name-limits.test.js');
