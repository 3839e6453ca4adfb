import { Kernels, typescriptKernels, wasmKernels } from './kernels';

export type KernelKind = 'wasm' | 'typescript';

/** The kernels a command asked for: SIMD WebAssembly (default) or the plain TypeScript reference. */
export async function createKernels(kind: string, threads = 2): Promise<Kernels> {
  if (kind === 'typescript') return typescriptKernels();
  if (kind !== 'wasm') throw new Error(`unknown kernels "${kind}" (wasm or typescript)`);
  return wasmKernels({ threads: threads >= 2 ? 2 : 1 });
}
