// Types of scripts/node-bundle.mjs (plain JavaScript, so that the build runs without tsx).
import type { BuildResult } from 'esbuild';
export function nodeBundle(root: string, entryPoints: Record<string, string>, outdir: string): Promise<BuildResult<{ metafile: true }>>;
