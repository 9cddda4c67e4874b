// Every test file runs in Node: the Node entry registers Node's WebGPU (src/node.ts), as
// `import 'spikegpu'` does for a Node program through the "node" export condition.
import '../src/node';
