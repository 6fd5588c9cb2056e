// An error answer of the mock: BitMart's code, its message and the HTTP status the catalogue
// (§3.0, §6) says the code travels with.
export class MockApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly http: number = httpStatusOf(code),
  ) {
    super(message);
  }
}

export function httpStatusOf(code: number): number {
  if (code >= 30001 && code <= 30008) return 401;
  if (code === 30000) return 404;
  if (code >= 30010 && code <= 30012) return 403;
  if (code === 30013) return 429;
  if (code === 30017) return 418;
  if (code === 30014 || code === 30018) return 503;
  if (code === 30016 || code === 30019 || code === 30030 || code === 30031) return 200;
  if (code >= 53000 && code < 54000) return 403;
  if (code >= 59000 && code < 60000) return 500;
  if (code >= 70000 && code < 72000) return 200;
  return 400;
}
