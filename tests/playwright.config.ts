// Browser tests: Debian's Chromium, headless, WebGPU on its SwiftShader adapter (PLATFORM.md).
import { defineConfig } from '@playwright/test';

const PORT = 5183;

export default defineConfig({
  testDir: './browser',
  outputDir: '../test-results/browser',
  timeout: 180_000,
  workers: 1,
  reporter: [['list'], ['json', { outputFile: '../test-results/playwright.json' }]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-webgpu-adapter=swiftshader',
        '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
      ],
    },
  },
  webServer: {
    // The static build that `npm start` serves (demo/dist), not the dev server.
    command: `npx vite build -c demo/vite.config.ts --logLevel warn && npx vite preview -c demo/vite.config.ts --port ${PORT} --strictPort`,
    port: PORT,
    cwd: '..',
    reuseExistingServer: false,
    timeout: 120_000,
  },
});
