/** What `/` shows while packages/web has not been built: a hint, not an error. */
export function notBuiltPage(webDir: string): string {
  const escaped = webDir.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>GRADIEND Studio</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>GRADIEND Studio</h1>
<p>The API is running, but the dashboard is not built: no <code>index.html</code> in
<code>${escaped}</code>.</p>
<p>Build it with <code>pnpm --filter @gradiend/web build</code> (or run <code>pnpm start</code>, which
builds what is missing), or point <code>GRADIEND_WEB_DIR</code> at a dashboard build.</p>
<p>The API answers meanwhile: <a href="/api/models">/api/models</a>,
<a href="/api/docs">/api/docs</a>.</p>
</body>
</html>
`;
}
