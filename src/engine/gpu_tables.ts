// Small pieces every generated GPU kernel file shares: where the three tables merged into the
// kernels' one read-only buffer `tab` begin, and WGSL literals.
import { literal } from '../equations/emit';
import type { GpuLayout } from './gpu_layout';

/** Base words of the tables merged into `tab`: parameters, synapses, inputs. */
export function tableBases(L: GpuLayout) { return { params: 0, syn: L.words.params, inputs: L.words.params + L.words.syn }; }

/** An f32 literal, and a u32 literal. */
export const f = (x: number) => literal(x, 'wgsl');
export const u = (x: number) => `${x}u`;
