// wgsl_reflect's Node entry has no exports (docs/platform.md); its ES module file carries the same types.
declare module 'wgsl_reflect/wgsl_reflect.module.js' {
  export * from 'wgsl_reflect';
}
declare module '*.wgsl?raw' {
  const code: string;
  export default code;
}
/** WebAssembly text, assembled at build time (vite.config.ts): its binary. */
declare module '*.wat' {
  const binary: Uint8Array<ArrayBuffer>;
  export default binary;
}
