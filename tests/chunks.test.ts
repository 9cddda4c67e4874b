// The chunk loop every GPU backend runs (src/gpu/chunks.ts), with fake readback buffers whose
// maps settle when the test says: an error in one chunk's recordings reaches the caller, and the
// next chunk's map, aborted when the caller then destroys the buffers, is no unhandled rejection.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runChunks } from '../src/gpu/chunks';

interface FakeBuffer { mapAsync(): Promise<void>; reject(e: Error): void; resolve(): void }

function fakeBuffer(): FakeBuffer {
  let settle: { resolve(): void; reject(e: Error): void } | null = null;
  return {
    mapAsync: () => new Promise<void>((resolve, reject) => { settle = { resolve, reject }; }),
    resolve: () => settle!.resolve(),
    reject: (e) => settle!.reject(e),
  };
}

afterEach(() => { vi.unstubAllGlobals(); });

describe('runChunks', () => {
  it('runs chunk n + 1 while chunk n is collected, and covers every step once', async () => {
    vi.stubGlobal('GPUMapMode', { READ: 1 });
    const rbs = [fakeBuffer(), fakeBuffer()];
    const order: string[] = [];
    const reached = runChunks(10, 25, {
      readback: rbs as unknown as GPUBuffer[],
      length: (_step, remaining) => Math.min(10, remaining),
      submit: (t0, m, rb) => { order.push(`submit ${t0}+${m} on ${rbs.indexOf(rb as unknown as FakeBuffer)}`); queueMicrotask(() => (rb as unknown as FakeBuffer).resolve()); },
      collect: (rb, t0, m) => { order.push(`collect ${t0}+${m} from ${rbs.indexOf(rb as unknown as FakeBuffer)}`); },
      check: () => {},
    });
    expect(await reached).toBe(35);
    expect(order).toEqual([
      'submit 10+10 on 0', 'submit 20+10 on 1', 'collect 10+10 from 0',
      'submit 30+5 on 0', 'collect 20+10 from 1', 'collect 30+5 from 0',
    ]);
  });

  it("a chunk's error reaches the caller, and the next chunk's map aborted by destroy() is handled", async () => {
    vi.stubGlobal('GPUMapMode', { READ: 1 });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => { unhandled.push(reason); };
    process.on('unhandledRejection', onUnhandled);
    try {
      const rbs = [fakeBuffer(), fakeBuffer()];
      const err = await runChunks(0, 30, {
        readback: rbs as unknown as GPUBuffer[],
        length: (_step, remaining) => Math.min(10, remaining),
        submit: (t0, _m, rb) => { if (t0 === 0) queueMicrotask(() => (rb as unknown as FakeBuffer).resolve()); },
        collect: () => { throw new Error('NaN in chunk 0'); },
        check: () => {},
      }).catch((e: unknown) => e);
      expect((err as Error).message).toBe('NaN in chunk 0');
      rbs[1]!.reject(new Error('AbortError: buffer destroyed while mapping')); // what destroy() does to the pending map
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
