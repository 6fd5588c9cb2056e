// Types of scripts/compress-assets.mjs (plain JavaScript, so that the build runs without tsx).
export interface CompressedFile {
  /** Relative to the directory, with forward slashes on POSIX. */
  readonly path: string;
  readonly bytes: number;
  /** Bytes of the .br / .gz copy; undefined when none was written (too small, or not smaller). */
  readonly br: number | undefined;
  readonly gz: number | undefined;
}
export function compressAssets(dir: string): Promise<CompressedFile[]>;
export function summary(results: readonly CompressedFile[]): string;
