// The framework's own floor for the encode benchmark: a bare fastify server with the same version
// and body settings as ours, but no auth, registry or model. `/json` parses the same JSON body and
// answers a JSON result of the same size as our encode answer; `/raw` reads the same float32 body
// and answers 4 bytes. Our encode req/s divided by these is the overhead we own.
import Fastify from 'fastify';

const port = Number(process.env.PORT);
const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024, forceCloseConnections: 'idle' });

app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_request, body, done) =>
  done(null, body),
);

// The answers depend on the body so that nothing can skip reading it.
app.post('/json', async (request) => {
  const rows = (request.body as { inputs: number[][] }).inputs;
  return { encoded: rows.map((row) => [Math.tanh(row[0] ?? 0)]), latent_dim: 1, batch: rows.length };
});

app.post('/raw', async (request, reply) => {
  const body = request.body as Buffer;
  const out = Buffer.alloc(4);
  out.writeFloatLE(body.length > 0 ? Math.tanh(body.readFloatLE(0)) : 0);
  return reply.type('application/octet-stream').send(out);
});

await app.listen({ host: '127.0.0.1', port });
