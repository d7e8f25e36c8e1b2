import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken, hashToken } from '../auth/tokens.js';
import { fixturePath } from '../test-support/fixtures.js';
import { folderParts, multipart } from '../test-support/multipart.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';
import type { Role } from '../storage/metadata-store.js';

describe('auth required', () => {
  let t: TestApp;
  const tokens: Record<Role, string> = {
    read: generateToken(),
    write: generateToken(),
    admin: generateToken(),
  };
  const as = (role: Role) => ({ authorization: `Bearer ${tokens[role]}` });

  beforeAll(async () => {
    t = await createTestApp({ auth: 'required' });
    for (const role of ['read', 'write', 'admin'] as const) {
      await t.app.services.meta.createToken({
        name: `${role}-bot`,
        role,
        tokenHash: hashToken(tokens[role]),
        actor: 'test',
      });
    }
  });
  afterAll(() => t.close());

  it('enforces read < write < admin and records who did what', async () => {
    expect((await t.app.inject('/api/health')).statusCode).toBe(200);
    expect((await t.app.inject('/api/models')).json().code).toBe('GRADIEND_ERR_AUTH_MISSING');
    expect(
      (await t.app.inject({ url: '/api/models', headers: { authorization: 'Bearer nope' } })).statusCode,
    ).toBe(401);
    expect((await t.app.inject({ url: '/api/models', headers: as('read') })).statusCode).toBe(200);

    const body = multipart(folderParts(fixturePath('two-layer-all', 'model')));
    const denied = await t.app.inject({
      method: 'POST',
      url: '/api/models/m/versions',
      payload: body.payload,
      headers: { ...body.headers, ...as('read') },
    });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('GRADIEND_ERR_AUTH_FORBIDDEN');
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/models/m/versions',
      payload: body.payload,
      headers: { ...body.headers, ...as('write') },
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().created_by).toBe('write-bot');

    expect(
      (await t.app.inject({ method: 'DELETE', url: '/api/models/m/versions/1', headers: as('write') }))
        .statusCode,
    ).toBe(403);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: as('admin'),
      payload: { name: 'new', role: 'read' },
    });
    expect(created.statusCode).toBe(201);
    expect(
      (
        await t.app.inject({
          url: '/api/models',
          headers: { authorization: `Bearer ${created.json().token}` },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (await t.app.inject({ method: 'DELETE', url: '/api/models/m/versions/1', headers: as('admin') }))
        .statusCode,
    ).toBe(200);

    const audit = (await t.app.inject({ url: '/api/audit', headers: as('admin') })).json().items;
    expect(audit.slice(0, 3).map((e: { action: string; actor: string }) => `${e.action}:${e.actor}`)).toEqual(
      ['version.delete:admin-bot', 'token.create:admin-bot', 'version.upload:write-bot'],
    );
    expect(JSON.stringify(audit)).not.toContain(tokens.admin);
  });
});
