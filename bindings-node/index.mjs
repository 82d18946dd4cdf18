// ESM entry point: the CommonJS entry (segcore.cjs, the napi-rs loader index.js with coded
// argument errors) re-exported by name.
import binding from './segcore.cjs'

export * from './segcore.cjs'
export default binding
