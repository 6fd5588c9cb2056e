// A small path router: the server serves index.html for every non-API path, so plain paths work
// on reload. Routes are matched in App; links push history entries without a page load.
import type { AnchorHTMLAttributes, MouseEvent } from 'react';
import { createStore, useStore } from './store.ts';

const location = createStore(window.location.pathname + window.location.search);

window.addEventListener('popstate', () => location.set(window.location.pathname + window.location.search));

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === location.get()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  location.set(to);
  window.scrollTo(0, 0);
}

export function useLocation(): { path: string; search: URLSearchParams } {
  const full = useStore(location);
  const i = full.indexOf('?');
  return { path: i < 0 ? full : full.slice(0, i), search: new URLSearchParams(i < 0 ? '' : full.slice(i + 1)) };
}

/** Matches "/bots/:id/edit" against a path; returns the params or undefined. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const part = p[i]!;
    const seg = s[i]!;
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(seg);
    else if (part !== seg) return undefined;
  }
  return params;
}

export function Link({ to, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handle} {...rest} />;
}
