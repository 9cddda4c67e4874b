// The kernels' code for rows the GPU draws (src/engine/gpu_stores.ts): where each row lies in the
// synapse stores is known only once the build has counted the rows on the device, so this part is
// placed into the engine's code then (STORES_PLACE), for createSimulation and a compiled program alike.
import { bindingWgsl } from '../gpu/layout.js';
import type { GpuLayout } from './gpu_layout.js';
import { STORES_PLACE, WG } from './gpu_engine_layout.js';
import { STORE_BINDINGS } from './gpu_stores.js';
import { rowHead, spikeWeight, tableBases, u } from './gpu_tables.js';

/** WGSL: the store bindings, and per store a propagate phase (do_propagate_store_k) and its entry point (one workgroup: store 0 only). */
export function storesWgsl(L: GpuLayout, wg: number): string {
  if (L.stores === 0) return '';
  const T = tableBases(L), out = STORE_BINDINGS.map(bindingWgsl);
  for (let st = 0; st < L.stores; st++) {
    out.push(`fn do_propagate_store_${st}(j: u32, t: u32) {`, '  let parity = t & 1u;', '  if (j >= atomicLoad(&spk[parity])) { return; }',
      `  let g = atomicLoad(&spk[2u + parity * ${u(L.total)} + j]);`);
    for (const pl of L.projections) {
      const mine = pl.rows?.pieces.filter((p) => p.store === st && p.count > 0) ?? [];
      if (mine.length === 0) continue;
      // The synapse s of the projection is word s + (at − first) of its store (mod 2³²).
      out.push(
        ...rowHead(L, pl),
        ...mine.map((p) => [
          `    if (i >= ${u(p.row0)} && i < ${u(p.row1)}) {`,
          `      for (var s = tab[${u(T.syn + pl.rowStart)} + i]; s < tab[${u(T.syn + pl.rowStart)} + i + 1u]; s++) {`,
          `        let w = s + ${u((p.at - p.first) >>> 0)};`,
          `        atomicAdd(&acc[base + store_targets[w]], ${spikeWeight(L, pl, 'store_words[w]')});`,
          '      }', '    }'].join('\n')),
        '  }');
    }
    out.push('}', `@compute @workgroup_size(${wg})`,
      `fn propagate_store_${st}(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) n: vec3u) { do_propagate_store_${st}(flat(id, n), P.first + S.tc); }`);
  }
  return out.join('\n');
}

/** The engine's code with the stores' part in its place (none without rows the GPU draws). */
export function placeStores(code: string, L: GpuLayout): string {
  const parts = code.split(STORES_PLACE);
  if (parts.length !== 2) throw new Error(`the engine's code holds its synapse stores' place ${parts.length - 1} times, not once`);
  return parts.join(storesWgsl(L, WG));
}
