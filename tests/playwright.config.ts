// Browser tests: Debian's Chromium with WebGPU on its SwiftShader adapter (docs/platform.md), against
// the app's static build. Two projects: headless (every view, the CPU fallback, a lost device)
// and headed under Xvfb (the raster presented in a WebGPU canvas, which headless cannot show).
import { defineConfig } from '@playwright/test';

const PORT = 5183;
const CHROMIUM_ARGS = [
  '--no-sandbox', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-webgpu-adapter=swiftshader',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

export default defineConfig({
  testDir: './browser',
  outputDir: '../test-results/browser',
  timeout: 180_000,
  workers: 1,
  globalSetup: './browser/xvfb.ts',
  reporter: [['list'], ['json', { outputFile: '../test-results/playwright.json' }]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    launchOptions: { executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS },
  },
  projects: [
    { name: 'headless', testIgnore: /canvas\.spec\.ts/ },
    {
      name: 'xvfb-canvas',
      testMatch: /canvas\.spec\.ts/,
      use: {
        headless: false,
        launchOptions: {
          executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
          // Vulkan on SwiftShader for the compositor: with these a WebGPU canvas is presented.
          args: [...CHROMIUM_ARGS, '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-angle=swiftshader', '--disable-vulkan-surface'],
        },
      },
    },
  ],
  webServer: {
    // The static build that `npm start` serves (demo/dist), not the dev server.
    command: `npx vite build -c demo/vite.config.ts --logLevel warn && npx vite preview -c demo/vite.config.ts --port ${PORT} --strictPort`,
    port: PORT,
    cwd: '..',
    reuseExistingServer: false,
    timeout: 120_000,
  },
});
