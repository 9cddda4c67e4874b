// A view of the page: mounted into its element, destroyed (freeing its GPU resources) on leaving.
import type { GpuSession } from '../session';

export interface View { destroy(): void }
export type ViewFactory = (root: HTMLElement, session: GpuSession) => View;
