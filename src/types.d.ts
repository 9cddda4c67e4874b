declare module '*.wgsl?raw' {
  const code: string;
  export default code;
}
/** WebAssembly text, assembled at build time (vite.config.ts): its binary. */
declare module '*.wat' {
  const binary: Uint8Array<ArrayBuffer>;
  export default binary;
}
