// wgsl_reflect's Node entry has no exports (docs/platform.md); its ES module file carries the same types.
declare module 'wgsl_reflect/wgsl_reflect.module.js' {
  export * from 'wgsl_reflect';
}
