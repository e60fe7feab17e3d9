// `$KK_COMPONENTS_DIR/manifest.json`: what `make components` made and where (docs/components.md).
// Written by layout.ts; read by the tests, the benchmarks and the demo.
export interface ComponentsManifest {
  manifest_version: number;
  recipe: string;
  kubernetes_version: string;
  arch: string;
  /** The offline bundle (`create cluster --artifact`). */
  artifact: string;
  artifact_sha256: string;
  mirror: string;
  image_layout: string;
  bin: string;
  images: string[];
  /** component → version as built. */
  versions: Record<string, string>;
  /** Config values that select exactly these versions (what kk's defaults pick, unless a pin moved). */
  config: Record<string, unknown>;
  build_seconds: number;
  layout_seconds: number;
}
