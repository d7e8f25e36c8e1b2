import { describe, expect, it } from 'vitest';
import { createTestApp } from './test-support/test-app.js';

/**
 * The served OpenAPI document is the HTTP contract; a change to any route schema shows up here as
 * a diff of openapi.snapshot.json. After an intended change: `pnpm openapi:update`, then review and
 * commit the snapshot with the change.
 */
describe('OpenAPI document', () => {
  it('matches the committed snapshot', async () => {
    const t = await createTestApp();
    try {
      const res = await t.app.inject('/api/openapi.json');
      expect(res.statusCode).toBe(200);
      await expect(`${JSON.stringify(res.json(), null, 2)}\n`).toMatchFileSnapshot('./openapi.snapshot.json');
    } finally {
      await t.close();
    }
  });

  it('is the same for a differently configured server (the snapshot holds no deployment detail)', async () => {
    const a = await createTestApp();
    const b = await createTestApp({ maxUploadBytes: 12345, rateLimitWritesPerMinute: 7, auth: 'required' });
    try {
      const [sa, sb] = await Promise.all([
        a.app.inject('/api/openapi.json'),
        b.app.inject('/api/openapi.json'),
      ]);
      expect(sb.json()).toEqual(sa.json());
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
