// Builds the dashboard (web/) into dist/web/, which `earshot serve` serves under /. Preact's automatic
// JSX runtime through Vite's own transform (no plugin package); ECharts is split into its own chunk so
// the app's code can change without re-downloading the charts.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: { groups: [{ name: 'echarts', test: /node_modules[\\/](echarts|zrender)/ }] },
      },
    },
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:8080', '/1': 'http://127.0.0.1:8080' } },
});
