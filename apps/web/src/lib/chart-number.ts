// The one place where decimal strings become floats: chart coordinates only. Never use these
// numbers for a price, an amount or a total that is shown or sent.
export function chartNumber(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
