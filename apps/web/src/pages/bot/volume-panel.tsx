// Today's volume hour by hour against the hourly target, and the day's progress.
import { useMemo } from 'react';
import type { HourlyVolumeDto } from '@mm/core';
import { fx } from '@mm/core';
import { errorMessage } from '../../lib/api.ts';
import { useVolume } from '../../lib/queries.ts';
import { chartNumber } from '../../lib/chart-number.ts';
import { dec, fmtHour, isPositive, percentOf } from '../../lib/format.ts';
import { useTimeZone } from '../../lib/prefs.ts';
import { cx } from '../../lib/cx.ts';
import { Empty, ErrorText, Panel } from '../../ui/panel.tsx';
import { Progress } from '../../ui/progress.tsx';
import { useNow } from '../../lib/use-now.ts';

const HOUR = 3_600_000;

function total(h: HourlyVolumeDto): string {
  return fx.format((fx.tryParse(h.maker) ?? 0n) + (fx.tryParse(h.taker) ?? 0n));
}

export function VolumePanel({ botId }: { botId: string }) {
  const volume = useVolume(botId);
  const tz = useTimeZone();
  const v = volume.data;
  const slots = useMemo(() => {
    if (!v) return [];
    const byHour = new Map(v.hours.map((h) => [h.hourStart, h]));
    return Array.from({ length: 24 }, (_, i) => {
      const hourStart = v.dayStart + i * HOUR;
      return byHour.get(hourStart) ?? { hourStart, maker: '0', taker: '0', volumeLeg: '0', fills: 0 };
    });
  }, [v]);
  const now = useNow(30_000);
  const hourlyTarget = chartNumber(v?.hourlyTarget) ?? 0;
  const scale = Math.max(hourlyTarget * 1.25, ...slots.map((s) => chartNumber(total(s)) ?? 0), 1e-9);
  const progress = percentOf(v?.traded, v?.target);
  const expected = percentOf(v?.expectedNow, v?.target);
  return (
    <Panel title="Volume today, per hour" id="volume">
      {volume.isError ? <ErrorText>{errorMessage(volume.error)}</ErrorText> : null}
      {!v ? (
        <Empty>{volume.isPending ? 'loading…' : 'No volume data.'}</Empty>
      ) : (
        <>
          <div className="mb-2 flex flex-wrap justify-between gap-2">
            {isPositive(v.target) ? (
              <>
                <span>
                  {dec(v.traded, { decimals: 2 })} <span className="text-mute">/ {dec(v.target, { decimals: 0 })}</span> <span className="text-dim">({progress ?? '—'}%)</span>
                </span>
                <span className="text-dim">
                  expected now {dec(v.expectedNow, { decimals: 0 })} ({expected ?? '—'}%) · hourly target {dec(v.hourlyTarget, { decimals: 0 })}
                </span>
              </>
            ) : (
              <span>
                {dec(v.traded, { decimals: 2 })} <span className="text-mute">traded today · no volume target (the volume leg is off)</span>
              </span>
            )}
          </div>
          <Progress pct={chartNumber(progress) ?? 0} expectedPct={chartNumber(expected)} label="Traded today against the daily target" className="mb-3" />
          <div role="img" aria-label={`Hourly volume bars; hourly target ${dec(v.hourlyTarget, { decimals: 0 })}`} className="relative flex h-40 items-end gap-[3px] border-b border-line-strong">
            {hourlyTarget > 0 ? (
              <div aria-hidden="true" className="pointer-events-none absolute inset-x-0 border-t border-dashed border-dim" style={{ bottom: `${(hourlyTarget / scale) * 100}%` }}>
                <span className="absolute -top-4 right-0 text-[0.75em] text-dim">target/h</span>
              </div>
            ) : null}
            {slots.map((s) => {
              const maker = chartNumber(s.maker) ?? 0;
              const taker = chartNumber(s.taker) ?? 0;
              const current = now >= s.hourStart && now < s.hourStart + HOUR;
              const future = s.hourStart > now;
              return (
                <div
                  key={s.hourStart}
                  className={cx('flex h-full flex-1 flex-col justify-end', future && 'opacity-40')}
                  title={`${fmtHour(s.hourStart, tz)}h: ${dec(total(s), { decimals: 2 })} (maker ${dec(s.maker, { decimals: 2 })}, taker ${dec(s.taker, { decimals: 2 })}, volume leg ${dec(s.volumeLeg, { decimals: 2 })}, ${s.fills} fills)`}
                >
                  <div className="bg-dim" style={{ height: `${(taker / scale) * 100}%` }} />
                  <div className={cx(current ? 'bg-white' : 'bg-fg/75')} style={{ height: `${(maker / scale) * 100}%` }} />
                </div>
              );
            })}
          </div>
          <div className="mt-1 flex gap-[3px] text-[0.7em] text-mute" aria-hidden="true">
            {slots.map((s, i) => (
              <span key={s.hourStart} className="flex-1 text-center">
                {i % 3 === 0 ? fmtHour(s.hourStart, tz) : ''}
              </span>
            ))}
          </div>
          <p className="mt-1 text-[0.8em] text-mute">bright: maker · grey: taker · dashed: hourly target · the current hour is white</p>
        </>
      )}
    </Panel>
  );
}
