// Global setup of the browser tests: an X server (Xvfb) for the headed project. Headless
// Chromium on SwiftShader cannot present a WebGPU canvas (the GPU process lacks a shared-image
// backing for the swap chain and the device is lost); headed under Xvfb, with Vulkan on
// SwiftShader for compositing, it presents them, so the canvas path is tested there.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export default async function startXvfb(): Promise<() => void> {
  if (!existsSync('/usr/bin/Xvfb')) throw new Error('the canvas tests need Xvfb: apt-get install -y xvfb');
  for (let display = 87; display < 97; display++) {
    if (existsSync(`/tmp/.X11-unix/X${display}`) || existsSync(`/tmp/.X${display}-lock`)) continue;
    const server = spawn('/usr/bin/Xvfb', [`:${display}`, '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
    for (let k = 0; k < 50 && !existsSync(`/tmp/.X11-unix/X${display}`); k++) await new Promise((r) => setTimeout(r, 100));
    if (!existsSync(`/tmp/.X11-unix/X${display}`)) { server.kill(); continue; }
    process.env.DISPLAY = `:${display}`;
    return () => { server.kill(); };
  }
  throw new Error('no free X display for Xvfb in :87..:96');
}
