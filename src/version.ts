// The package's version (package.json), as the CLI prints it, and the build's identity, which a
// compiled program records (vite.config.ts buildHash; 'source' where the sources run unbuilt).
import { version } from '../package.json';

declare const __SPIKEGPU_BUILD__: string | undefined;

export const VERSION: string = version;
export const BUILD: string = typeof __SPIKEGPU_BUILD__ === 'string' ? __SPIKEGPU_BUILD__ : 'source';
/** What a compiled program's `library` names: the version and the build. */
export const LIBRARY = `${VERSION}+${BUILD}`;
