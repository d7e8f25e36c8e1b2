// Heavy requests at BERT scale cannot take the server down: eight analysis requests at once on the
// unpruned BERT-base-shaped model (the generator of `pnpm bench core`, ~1.3 GB, 108,891,648 dims)
// under a 4 GiB memory budget. Each one answers, is turned away with 503 + Retry-After, or — if
// its worker thread died — gets a problem+json 500 while the server keeps serving; /api/health
// answers throughout and the server's peak RSS (VmHWM, worker threads included) stays under the
// budget. Set GRADIEND_E2E_BIG=0 to leave the BERT-scale tests out when iterating.
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadFolder } from './support/api-client.js';
import { ensureBigModel } from './support/big-model.js';
import { artifactsDir } from './support/paths.js';
import { startServer, type RunningServer } from './support/start-server.js';

const GIB = 1024 ** 3;
const BUDGET = 4 * GIB;
const WORD_EMBEDDINGS = 'bert.embeddings.word_embeddings.weight';

/** VmRSS and VmHWM of a process, in bytes (Linux /proc). */
function memory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') * 1024, hwm: kb('VmHWM') * 1024 };
}

interface Outcome {
  readonly name: string;
  readonly status: number;
  readonly seconds: number;
  readonly bytes: number;
  readonly code?: string;
  readonly retryAfter?: string | null;
  readonly contentType: string | null;
  /** Set when no HTTP answer came (connection refused or closed). */
  readonly error?: string;
}

/** Sends one request and reads the whole body as a stream (a 1 % top-k CSV is ~100 MB). */
async function send(name: string, url: string, init?: RequestInit): Promise<Outcome> {
  const started = performance.now();
  try {
    return await exchange(name, url, started, init);
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return {
      name,
      status: 0,
      seconds: (performance.now() - started) / 1000,
      bytes: 0,
      contentType: null,
      error: `${String(error)}${cause ? ` (${cause})` : ''}`,
    };
  }
}

async function exchange(name: string, url: string, started: number, init?: RequestInit): Promise<Outcome> {
  const res = await fetch(url, init);
  const contentType = res.headers.get('content-type');
  if (contentType?.includes('problem+json')) {
    const problem = (await res.json()) as { code?: string };
    return {
      name,
      status: res.status,
      seconds: (performance.now() - started) / 1000,
      bytes: 0,
      code: problem.code,
      retryAfter: res.headers.get('retry-after'),
      contentType,
    };
  }
  let bytes = 0;
  const reader = res.body?.getReader();
  for (let r = await reader?.read(); r && !r.done; r = await reader?.read()) bytes += r.value.length;
  return { name, status: res.status, seconds: (performance.now() - started) / 1000, bytes, contentType };
}

describe.skipIf(process.env.GRADIEND_E2E_BIG === '0')('heavy requests on the BERT-shaped model', () => {
  let server: RunningServer;
  let base = '';
  beforeAll(async () => {
    const dir = await ensureBigModel();
    server = await startServer({
      dashboard: false,
      env: {
        GRADIEND_SEED_DEMO: 'off',
        GRADIEND_ANALYSIS_MEMORY_BYTES: String(BUDGET),
        GRADIEND_ANALYSIS_QUEUE_TIMEOUT_MS: '120000',
      },
    });
    await uploadFolder(server.apiUrl, 'bert', dir);
    base = `${server.apiUrl}/api/models/bert/versions/1`;
  });
  afterAll(() => server?.stop());

  it('8 at once: each answers, gets 503 + Retry-After or a problem 500; health answers; RSS < budget', async () => {
    const json = (body: unknown): RequestInit => ({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    // A threshold that keeps about 100,000 dims: the importance of the 100,000th most important.
    const boundary = await fetch(`${base}/topk?k=100000&offset=99999&limit=1`);
    expect(boundary.status).toBe(200);
    const threshold = ((await boundary.json()) as { items: { importance: number }[] }).items[0]?.importance;
    expect(threshold).toBeGreaterThan(0);

    let probing = true;
    const probes: { ok: boolean; ms: number }[] = [];
    const health = (async () => {
      while (probing) {
        const started = performance.now();
        const ok = await fetch(`${server.apiUrl}/api/health`, { signal: AbortSignal.timeout(5000) }).then(
          (r) => r.ok,
          () => false,
        );
        probes.push({ ok, ms: performance.now() - started });
        await new Promise((r) => setTimeout(r, 250));
      }
    })();

    const outcomes = await Promise.all([
      send('histogram log (decoder-weight)', `${base}/importance/histogram?scale=log&bins=128`),
      send('histogram log (encoder-weight)', `${base}/importance/histogram?scale=log&part=encoder-weight`),
      send('prune preview top-k 1%', `${base}/prune/preview`, json({ topk: '1%' })),
      send('prune preview threshold', `${base}/prune/preview`, json({ threshold })),
      send('top-k 1% CSV', `${base}/topk?k=1%25&format=csv`),
      send('top-k 1000 CSV', `${base}/topk?k=1000&format=csv&part=encoder-weight`),
      send('heatmap word embeddings', `${base}/params/${WORD_EMBEDDINGS}/heatmap?rows=256&cols=256`),
      send('heatmap word embeddings (mean)', `${base}/params/${WORD_EMBEDDINGS}/heatmap?agg=mean`),
    ]);
    probing = false;
    await health;
    const { hwm } = memory(server.pid);
    // Still serving real work afterwards, not only /api/health.
    const after = await send('params afterwards', `${base}/params`);

    await mkdir(artifactsDir, { recursive: true });
    const report = {
      budget_bytes: BUDGET,
      peak_rss_bytes: hwm,
      outcomes,
      after,
      probes: probes.length,
      slowest_probe_ms: Math.max(...probes.map((p) => p.ms)),
      server_output: server.output().slice(-4000),
    };
    await writeFile(path.join(artifactsDir, 'heavy-load.json'), `${JSON.stringify(report, null, 2)}\n`);

    expect(server.alive(), server.output()).toBe(true);
    for (const o of outcomes) {
      const context = `${JSON.stringify(o)}\n${server.output().slice(-4000)}`;
      if (o.status === 200) expect(o.bytes, context).toBeGreaterThan(0);
      else if (o.status === 503) {
        expect(o.code, context).toBe('GRADIEND_ERR_SERVER_BUSY');
        expect(Number(o.retryAfter), context).toBeGreaterThan(0);
      } else {
        // The one 5xx allowed: the request's own worker died (e.g. its heap), was replaced.
        expect({ status: o.status, code: o.code }, context).toEqual({
          status: 500,
          code: 'GRADIEND_ERR_WORKER_CRASHED',
        });
      }
    }
    expect(outcomes.some((o) => o.status === 200)).toBe(true);
    expect(after.status, JSON.stringify(after)).toBe(200);
    expect(probes.length).toBeGreaterThan(0);
    expect(probes.filter((p) => !p.ok)).toEqual([]);
    expect(hwm).toBeLessThan(BUDGET);
  });
});
