import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import tarStream from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken, hashToken } from '../auth/tokens.js';
import { fixturePath } from '../test-support/fixtures.js';
import { folderParts, multipart } from '../test-support/multipart.js';
import { rawRequest } from '../test-support/raw-socket.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

const MIB = 1024 * 1024;
/** How long the attack runs (GRADIEND_HOSTILE_LOAD_S to change it locally). */
const ATTACK_MS = Number(process.env.GRADIEND_HOSTILE_LOAD_S ?? 20) * 1000;
/** Health probes must answer within this, all but one in HEALTH_OUTLIER_EVERY. */
const HEALTH_BUDGET_MS = 100;
/**
 * The probes, the attack clients and the server share one process and this machine's two cores,
 * so a pause of the whole process (a major GC of the attack's own buffers, the scheduler) shows in a
 * probe: one of 78 took 112 ms in a CI run on 2026-12-06. One such probe per 50 is tolerated up to
 * HEALTH_CEILING_MS; a server whose loop a hostile request blocks misses either bound.
 */
const HEALTH_OUTLIER_EVERY = 50;
/** No health probe may take longer than this. */
const HEALTH_CEILING_MS = 300;
/** The test process (server included) must stay below this resident size. */
const RSS_BUDGET_BYTES = 1.5 * 1024 ** 3;

async function gzipBomb(size: number): Promise<Buffer> {
  const pack = tarStream.pack();
  const entry = pack.entry({ name: 'checkpoint/model.safetensors', size });
  void (async () => {
    const chunk = Buffer.alloc(MIB);
    for (let left = size; left > 0; left -= chunk.length) {
      if (!entry.write(chunk.subarray(0, Math.min(left, chunk.length)))) {
        await new Promise<void>((resolve) => entry.once('drain', () => resolve()));
      }
    }
    entry.end(Buffer.alloc(0));
    pack.finalize();
  })();
  const chunks: Buffer[] = [];
  for await (const c of Readable.from(pack as unknown as AsyncIterable<Buffer>).pipe(
    createGzip({ level: 1 }),
  )) {
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A safetensors file whose header declares `count` tiny tensors (a huge header). */
function headerBomb(count: number): Buffer {
  const entries: string[] = [];
  for (let i = 0; i < count; i++)
    entries.push(`"t${i}":{"dtype":"F32","shape":[1],"data_offsets":[${4 * i},${4 * i + 4}]}`);
  const header = Buffer.from(`{${entries.join(',')}}`);
  const out = Buffer.alloc(8 + header.length + 4 * count);
  out.writeBigUInt64LE(BigInt(header.length), 0);
  header.copy(out, 8);
  return out;
}

/**
 * The bounded hostile load of issue 9: while items 1–3, 5, 9–11 are sent in parallel for ~20 s,
 * /api/health answers the 250 ms probes within 100 ms (one in 50 within 300 ms) and the process stays
 * under its RSS budget.
 */
describe('hostile load', () => {
  let t: TestApp;
  let port: number;
  const read = generateToken();
  const write = generateToken();

  beforeAll(async () => {
    t = await createTestApp({ auth: 'required', workers: 1, bodyIdleTimeoutS: 2, requestTimeoutS: 6 });
    for (const [name, role, token] of [
      ['r', 'read', read],
      ['w', 'write', write],
    ] as const) {
      await t.app.services.meta.createToken({ name, role, tokenHash: hashToken(token), actor: 'test' });
    }
    const model = multipart(folderParts(fixturePath('two-layer-all', 'model')));
    const up = await t.app.inject({
      method: 'POST',
      url: '/api/models/m/versions',
      headers: { ...model.headers, authorization: `Bearer ${write}` },
      payload: model.payload,
    });
    expect(up.statusCode, up.body).toBe(201);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(() => t.close());

  it(
    `keeps /api/health under ${HEALTH_BUDGET_MS} ms and RSS under ${RSS_BUDGET_BYTES / 1024 ** 3} GiB`,
    { timeout: ATTACK_MS + 60_000 },
    async () => {
      const bomb = multipart([{ field: 'archive', filename: 'b.tar.gz', value: await gzipBomb(256 * MIB) }]);
      const header = multipart([
        { field: 'files', filename: 'model.safetensors', value: headerBomb(200_000) },
      ]);
      const padding = Buffer.from(`{"inputs":[[${' '.repeat(MIB)}`);
      const emptyRows = Buffer.from(`{"inputs":[${'[],'.repeat(2 * MIB)}[]]}`);
      const cut = Buffer.from(
        '--xyz\r\ncontent-disposition: form-data; name="files"; filename="m.safetensors"\r\n\r\nabc',
      );
      const asRead = { authorization: `Bearer ${read}` };
      const asWrite = { authorization: `Bearer ${write}` };
      const encodePath = '/api/models/m/versions/1/encode';

      const attacks: (() => Promise<unknown>)[] = [
        // 1: a 540 MB JSON encode body (refused by its declared length).
        () =>
          rawRequest(port, {
            method: 'POST',
            path: encodePath,
            headers: { ...asRead, 'content-type': 'application/json', 'content-length': String(540_000_000) },
            body: padding,
          }),
        // 2: millions of empty rows, within the JSON limit and as the 400 MB.
        () =>
          rawRequest(port, {
            method: 'POST',
            path: encodePath,
            headers: {
              ...asRead,
              'content-type': 'application/json',
              'content-length': String(emptyRows.length),
            },
            body: emptyRows,
          }),
        () =>
          rawRequest(port, {
            method: 'POST',
            path: encodePath,
            headers: { ...asRead, 'content-type': 'application/json', 'content-length': String(400_000_000) },
            body: padding,
          }),
        // 3: 63 MB without a token to unknown routes, / and /api/health.
        ...['/api/nope', '/', '/api/health'].map(
          (path) => () =>
            rawRequest(port, {
              method: 'POST',
              path,
              headers: { 'content-type': 'application/json', 'content-length': String(63 * MIB) },
              body: padding,
            }),
        ),
        // 5: a multipart body cut before its closing boundary.
        () =>
          rawRequest(port, {
            method: 'POST',
            path: '/api/models/cut/versions',
            headers: {
              ...asWrite,
              'content-type': 'multipart/form-data; boundary=xyz',
              'content-length': String(cut.length),
            },
            body: cut,
          }),
        // 9: a gzip bomb.
        () =>
          fetch(`http://127.0.0.1:${port}/api/models/bomb/versions`, {
            method: 'POST',
            headers: { ...asWrite, ...bomb.headers },
            body: bomb.payload,
          }).then((r) => r.arrayBuffer()),
        // 10: a safetensors header of 200 000 tensors.
        () =>
          fetch(`http://127.0.0.1:${port}/api/models/hdr/versions`, {
            method: 'POST',
            headers: { ...asWrite, ...header.headers },
            body: header.payload,
          }).then((r) => r.arrayBuffer()),
        // 11: bodies that stall: an upload and an encode declaring 1 GiB.
        () =>
          rawRequest(port, {
            method: 'POST',
            path: '/api/models/slow/versions',
            headers: {
              ...asWrite,
              'content-type': 'multipart/form-data; boundary=xyz',
              'content-length': String(1024 ** 3),
            },
            body: cut,
            timeoutMs: 15_000,
          }),
        () =>
          rawRequest(port, {
            method: 'POST',
            path: encodePath,
            headers: {
              ...asRead,
              'content-type': 'application/octet-stream',
              'content-length': String(1024 ** 3),
            },
            body: Buffer.alloc(64),
            timeoutMs: 15_000,
          }),
      ];

      const before = await t.leftovers();
      const until = Date.now() + ATTACK_MS;
      const loops = attacks.map(async (attack) => {
        let n = 0;
        while (Date.now() < until) {
          await attack().catch(() => undefined);
          n++;
        }
        return n;
      });

      const probes: number[] = [];
      let maxRss = 0;
      const statuses = new Set<number>();
      while (Date.now() < until) {
        const started = performance.now();
        const res = await fetch(`http://127.0.0.1:${port}/api/health`);
        await res.arrayBuffer();
        probes.push(performance.now() - started);
        statuses.add(res.status);
        maxRss = Math.max(maxRss, process.memoryUsage().rss);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const rounds = await Promise.all(loops);
      const slow = probes.filter((ms) => ms >= HEALTH_BUDGET_MS);
      console.info(
        `hostile load: ${probes.length} probes, max ${Math.max(...probes).toFixed(1)} ms, ` +
          `max RSS ${(maxRss / MIB).toFixed(0)} MiB, attack rounds ${rounds.join('/')}`,
      );
      expect([...statuses]).toEqual([200]);
      expect(probes.length).toBeGreaterThanOrEqual(Math.floor(ATTACK_MS / 400));
      expect(slow.length).toBeLessThanOrEqual(Math.floor(probes.length / HEALTH_OUTLIER_EVERY));
      expect(probes.filter((ms) => ms >= HEALTH_CEILING_MS)).toEqual([]);
      expect(maxRss).toBeLessThan(RSS_BUDGET_BYTES);
      expect(rounds.every((n) => n > 0)).toBe(true);
      // Nothing of the attack stays behind once the last request is done.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await t.leftovers()).filter((f) => !f.includes('checkouts'))).toEqual(
        before.filter((f) => !f.includes('checkouts')),
      );
    },
  );
});
