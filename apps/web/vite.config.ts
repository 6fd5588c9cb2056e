import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

// `npm run dev -w @mm/web` serves the dashboard with hot reload and forwards the API and the
// WebSocket to a running server (npm start, 127.0.0.1:8080 unless MM_API says otherwise).
const target = process.env.MM_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      // the server checks Origin (CSRF and WebSocket hijacking): present the server's own
      '/api': { target, configure: (proxy) => proxy.on('proxyReq', (req) => req.setHeader('origin', target)) },
      '/ws': { target, ws: true, configure: (proxy) => proxy.on('proxyReqWs', (req) => req.setHeader('origin', target)) },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // the server's CSP allows fonts and images from 'self' only: never inline them as data: URLs
    assetsInlineLimit: 0,
    rollupOptions: {
      output: {
        // stable, readable chunk names for the size report: the chart library and the shared core
        manualChunks(id: string) {
          if (id.includes('/node_modules/lightweight-charts/') || id.includes('/node_modules/fancy-canvas/')) return 'charts';
          if (id.includes('/packages/core/') || id.includes('/node_modules/zod/')) return 'core';
          if (id.includes('/packages/strategy/')) return 'strategy';
          if (id.includes('/node_modules/react-dom/') || id.includes('/node_modules/react/') || id.includes('/node_modules/scheduler/')) return 'react';
          return undefined;
        },
      },
    },
    chunkSizeWarningLimit: 400,
  },
});
