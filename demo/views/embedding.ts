// Embedding (docs/embedding.md): a grid of LIF neurons coloured by their membrane potential, drawn
// by a fragment shader that reads the simulation's state buffer itself. Each frame puts its steps
// (sim.encode) and the drawing into one encoder and one submit: the state is never read back.
// Clicking a cell drives it through an external input written between frames (a closed loop).
import { createSimulation, type Network, type Simulation } from 'spikegpu';
import type { GpuSession } from '../session';
import { StatusLine, el, readUrl } from '../ui';
import type { View } from './view';

/** Colours span this range of v (mV): rest and reset at −65, threshold at −50. */
export const V_RANGE: [number, number] = [-75, -45];
/** Pixels per neuron of the grid. */
export const CELL = 16;

const SHADER = /* wgsl */ `
struct Grid { cols: u32, rows: u32, offset: u32, cell: f32, v_min: f32, v_max: f32 }
@group(0) @binding(0) var<uniform> grid: Grid;
@group(0) @binding(1) var<storage, read> state: array<f32>;

@vertex fn vs(@builtin(vertex_index) i: u32) -> @builtin(position) vec4f {
  let corner = array(vec2f(-1.0, -1.0), vec2f(3.0, -1.0), vec2f(-1.0, 3.0));
  return vec4f(corner[i], 0.0, 1.0);
}

// Cold (blue) at v_min to hot (yellow) at v_max: the test computes the same colour from readState.
@fragment fn fs(@builtin(position) pos: vec4f) -> @location(0) vec4f {
  let col = min(u32(pos.x / grid.cell), grid.cols - 1u);
  let row = min(u32(pos.y / grid.cell), grid.rows - 1u);
  let v = state[grid.offset + row * grid.cols + col];
  let x = clamp((v - grid.v_min) / (grid.v_max - grid.v_min), 0.0, 1.0);
  return vec4f(x, x * x, 1.0 - x, 1.0);
}`;

/** A side × side grid of LIF neurons, noisy near threshold, with an external input a click drives. */
export const embeddingNetwork = (side: number): Network => ({
  name: 'embedding grid', dt: 0.5, seed: 1,
  populations: [{ name: 'grid', size: side * side, model: 'lif' }],
  inputs: [
    { kind: 'constant', target: 'grid', amplitude: 340 },
    { kind: 'noise', target: 'grid', sigma: 1500 },
    { kind: 'external', name: 'poke', target: 'grid' },
  ],
  record: { spikes: false },
});

export function embeddingView(root: HTMLElement, session: GpuSession): View {
  const s = readUrl({ side: 16, steps: 4 });
  const status = new StatusLine();
  const pause = el('button', { type: 'button', 'data-testid': 'embedding-pause' }, 'Pause');
  const caption = el('p', { class: 'caption' },
    'Each frame encodes the simulation steps and this drawing into one submit; the fragment shader reads v from the simulation’s state buffer. Click a neuron to drive it.');
  root.append(el('div', { class: 'output' }, status.node, pause, caption));
  const device = session.device;
  if (!device) {
    status.say('this view needs WebGPU: it draws from the simulation’s GPU buffers', true);
    return { destroy() {} };
  }
  const side = Math.max(2, Math.min(64, Math.round(s.side))), steps = Math.max(1, Math.min(100, Math.round(s.steps)));
  const width = side * CELL, bytesPerRow = Math.ceil((4 * width) / 256) * 256;
  // A presented WebGPU canvas on a hardware adapter; on a software one (headless Chromium on
  // SwiftShader loses the device when it presents one) the picture is copied into a 2D canvas.
  const presented = !session.software;
  const canvas = el('canvas', { class: 'raster', id: presented ? 'embedding-gpu' : 'embedding-pixels', width: String(width), height: String(width) });
  canvas.style.maxWidth = `${width}px`;
  root.querySelector('.output')!.append(canvas);
  const format = presented ? navigator.gpu.getPreferredCanvasFormat() : 'rgba8unorm';
  const context = presented ? canvas.getContext('webgpu')! : null;
  context?.configure({ device, format, alphaMode: 'opaque' });
  const offscreen = presented ? null : {
    texture: device.createTexture({ label: 'embedding picture', size: [width, width], format, usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC }),
    buffer: device.createBuffer({ label: 'embedding pixels', size: bytesPerRow * width, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
  };
  const uniforms = device.createBuffer({ label: 'embedding grid', size: 32, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  const pipeline = device.createRenderPipeline({
    label: 'embedding grid', layout: 'auto',
    vertex: { module: device.createShaderModule({ code: SHADER }), entryPoint: 'vs' },
    fragment: { module: device.createShaderModule({ code: SHADER }), entryPoint: 'fs', targets: [{ format }] },
  });

  let sim: Simulation | null = null, bindGroup: GPUBindGroup | null = null;
  let running = false, destroyed = false, stopped: Promise<void> = Promise.resolve(), frames = 0;
  const poke = new Float64Array(side * side);

  async function frame(): Promise<void> {
    const enc = device!.createCommandEncoder({ label: 'embedding frame' });
    sim!.encode(enc, steps);
    const view = presented ? context!.getCurrentTexture().createView() : offscreen!.texture.createView();
    const pass = enc.beginRenderPass({ colorAttachments: [{ view, loadOp: 'clear', storeOp: 'store', clearValue: { r: 0, g: 0, b: 0, a: 1 } }] });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup!);
    pass.draw(3);
    pass.end();
    if (offscreen) enc.copyTextureToBuffer({ texture: offscreen.texture }, { buffer: offscreen.buffer, bytesPerRow }, [width, width]);
    device!.queue.submit([enc.finish()]);
    if (offscreen) {
      await offscreen.buffer.mapAsync(GPUMapMode.READ);
      const rows = new Uint8Array(offscreen.buffer.getMappedRange()), rgba = new Uint8ClampedArray(4 * width * width);
      for (let y = 0; y < width; y++) rgba.set(rows.subarray(y * bytesPerRow, y * bytesPerRow + 4 * width), 4 * width * y);
      offscreen.buffer.unmap();
      canvas.getContext('2d')!.putImageData(new ImageData(rgba, width, width), 0, 0);
    }
    frames++;
    document.body.dataset.embeddingStep = String(sim!.step);
  }

  /** Frames until paused or destroyed; resolves when the last one has been drawn. */
  function loop(): Promise<void> {
    running = true;
    document.body.dataset.embeddingState = 'running';
    pause.textContent = 'Pause';
    return new Promise<void>((resolve) => {
      const next = () => {
        if (!running || destroyed) { resolve(); return; }
        frame().then(() => requestAnimationFrame(next), (e: unknown) => {
          running = false;
          if (!destroyed) { status.say(`stopped: ${(e as Error).message}`, true); document.body.dataset.embeddingState = 'failed'; }
          resolve();
        });
      };
      requestAnimationFrame(next);
    });
  }

  async function stop(): Promise<void> {
    running = false;
    await stopped;
    await device!.queue.onSubmittedWorkDone();
    document.body.dataset.embeddingState = 'paused';
    pause.textContent = 'Resume';
  }

  pause.addEventListener('click', () => { if (running) void stop(); else if (sim) stopped = loop(); });
  canvas.addEventListener('pointerdown', (ev) => {
    if (!sim) return;
    const r = canvas.getBoundingClientRect(), col = Math.floor(((ev.clientX - r.left) / r.width) * side), row = Math.floor(((ev.clientY - r.top) / r.height) * side);
    poke.fill(0);
    poke[row * side + col] = 3000;
    sim.externalInput('poke').write(poke);
  });
  canvas.addEventListener('pointerup', () => { poke.fill(0); sim?.externalInput('poke').write(poke); });

  void (async () => {
    try {
      sim = await createSimulation(embeddingNetwork(side), { backend: 'gpu', device });
      if (destroyed) { sim.destroy(); return; }
      const { state } = sim.gpuBuffers(), v = state.variables.find((r) => r.population === 'grid' && r.variable === 'v')!;
      const data = new ArrayBuffer(32), u32 = new Uint32Array(data), f32 = new Float32Array(data);
      u32.set([side, side, v.byteOffset / 4]);
      f32.set([CELL, ...V_RANGE], 3);
      device.queue.writeBuffer(uniforms, 0, data);
      bindGroup = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: uniforms } }, { binding: 1, resource: { buffer: state.buffer } }] });
      status.say(`${side * side} LIF neurons, ${steps} steps a frame, on ${session.adapter}`);
      stopped = loop();
    } catch (e) {
      status.say(`could not start: ${(e as Error).message}`, true);
      document.body.dataset.embeddingState = 'failed';
    }
  })();

  // For the browser test: pause, read v through the API, and the frames drawn.
  (window as unknown as { spikegpuEmbedding: unknown }).spikegpuEmbedding = {
    pause: stop,
    resume: () => { if (!running && sim) stopped = loop(); },
    readV: async () => Array.from(await sim!.readState('grid', 'v')),
    side, cell: CELL, vRange: V_RANGE,
    frames: () => frames,
  };

  return {
    destroy() {
      destroyed = true;
      running = false;
      // After the last frame: its map and its encoded steps are done with the buffers.
      void stopped.then(() => { sim?.destroy(); uniforms.destroy(); offscreen?.texture.destroy(); offscreen?.buffer.destroy(); });
      delete document.body.dataset.embeddingState;
    },
  };
}
