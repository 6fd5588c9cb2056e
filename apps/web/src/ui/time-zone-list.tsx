// The IANA time zones this browser knows, as suggestions for any input with list={TIME_ZONE_LIST_ID}.
import { useMemo } from 'react';

export const TIME_ZONE_LIST_ID = 'tz-list';

function timeZones(): string[] {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
}

export function TimeZoneList() {
  const zones = useMemo(() => timeZones(), []);
  return (
    <datalist id={TIME_ZONE_LIST_ID}>
      {zones.map((z) => (
        <option key={z} value={z} />
      ))}
    </datalist>
  );
}
