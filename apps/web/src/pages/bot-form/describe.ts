// Help text straight from the zod schemas' `.meta({ description })`, so the dashboard shows
// exactly what the server's schema says about each field.
interface SchemaLike {
  readonly def?: { readonly type?: string; readonly innerType?: SchemaLike; readonly in?: SchemaLike; readonly element?: SchemaLike };
  readonly shape?: Readonly<Record<string, SchemaLike>>;
  meta?: () => { readonly description?: string } | undefined;
}

const WRAPPERS = new Set(['default', 'optional', 'prefault', 'nullable', 'catch', 'readonly', 'nonoptional']);

function step(s: SchemaLike): SchemaLike | undefined {
  const t = s.def?.type;
  if (t !== undefined && WRAPPERS.has(t)) return s.def?.innerType;
  if (t === 'pipe') return s.def?.in;
  return undefined;
}

function unwrap(s: SchemaLike | undefined): SchemaLike | undefined {
  let cur = s;
  for (let i = 0; cur && i < 10; i++) {
    const next = step(cur);
    if (!next) return cur;
    cur = next;
  }
  return cur;
}

export function describeField(schema: unknown, path: string): string | undefined {
  let cur: SchemaLike | undefined = schema as SchemaLike;
  for (const seg of path.split('.')) {
    let obj = unwrap(cur);
    if (obj?.def?.type === 'array' && /^\d+$/.test(seg)) {
      cur = obj.def.element;
      continue;
    }
    if (!obj?.shape) return undefined;
    cur = obj.shape[seg];
    obj = undefined;
  }
  for (let s = cur, i = 0; s && i < 10; s = step(s), i++) {
    const d = s.meta?.()?.description;
    if (d) return d;
  }
  return undefined;
}
