// Display preferences: time zone and density. Kept in localStorage for an instant first paint
// and saved on the server (settings.display) so every browser of the operator agrees.
import { createStore, useStore } from './store.ts';

export type Density = 'comfortable' | 'compact';

export interface DisplayPrefs {
  readonly timezone: string;
  readonly density: Density;
}

const KEY = 'mm.display';

function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

function load(): DisplayPrefs {
  const fallback: DisplayPrefs = { timezone: browserZone(), density: 'comfortable' };
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return fallback;
    const parsed = JSON.parse(raw) as Partial<DisplayPrefs>;
    return {
      timezone: typeof parsed.timezone === 'string' && parsed.timezone ? parsed.timezone : fallback.timezone,
      density: parsed.density === 'compact' ? 'compact' : 'comfortable',
    };
  } catch {
    return fallback;
  }
}

export const displayPrefs = createStore<DisplayPrefs>(load());

function apply(prefs: DisplayPrefs): void {
  document.documentElement.dataset.density = prefs.density;
}

apply(displayPrefs.get());
displayPrefs.subscribe(() => {
  const prefs = displayPrefs.get();
  apply(prefs);
  try {
    localStorage.setItem(KEY, JSON.stringify(prefs));
  } catch {
    // private mode: preferences last for this tab only
  }
});

export function setDisplayPrefs(next: Partial<DisplayPrefs>): void {
  const prev = displayPrefs.get();
  const merged = { ...prev, ...next };
  if (merged.timezone !== prev.timezone || merged.density !== prev.density) displayPrefs.set(merged);
}

export function useDisplayPrefs(): DisplayPrefs {
  return useStore(displayPrefs);
}

export function useTimeZone(): string {
  return useStore(displayPrefs).timezone;
}
