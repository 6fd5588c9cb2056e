export type Figures = Record<string, number>;

export interface Benchmark {
  readonly name: string;
  readonly description: string;
  /** Runs to take the median over (default 5). */
  readonly runs?: number;
  /** Untimed set-up whose result is passed to every run. */
  readonly prepare?: () => unknown;
  readonly run: (prepared: unknown) => Figures | Promise<Figures>;
}
