import { defaultClientConditions, defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const apiTarget = process.env.GRADIEND_API_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  // Workspace packages (@gradiend/api/vocabulary, @gradiend/core) are read from their sources, so
  // the dashboard builds without building them first.
  resolve: { conditions: ['@gradiend/source', ...defaultClientConditions] },
  server: { proxy: { '/api': { target: apiTarget, changeOrigin: false } } },
  preview: { proxy: { '/api': { target: apiTarget, changeOrigin: false } } },
  build: {
    // plotly alone is ~4.5 MB minified; it only ever loads lazily (see components/Plot.tsx), so only warn above that.
    chunkSizeWarningLimit: 5000,
  },
});
