// The package's version (package.json), as the CLI prints it and a compiled program records it.
import { version } from '../package.json';

export const VERSION: string = version;
