// The sections of the bot config: venue and account, market making, volume, risk, perps.
// Every field has its schema help text and its own validation message.
import { useState } from 'react';
import type { ReactNode } from 'react';
import { Controller, useFieldArray, useFormContext, useWatch } from 'react-hook-form';
import { DISTRIBUTIONS, MARGIN_TYPES, REFERENCE_SOURCES, RISK_ACTIONS, RISK_RULES, VOLUME_MODES, botConfigSchema } from '@mm/core';
import type { AccountDto, BotConfigInput, InstrumentDto } from '@mm/core';
import { Button } from '../../ui/button.tsx';
import { Field } from '../../ui/field.tsx';
import { TIME_ZONE_LIST_ID, TimeZoneList } from '../../ui/time-zone-list.tsx';
import { CheckField, DecimalField, NumberField, SelectField, TextField, plainOptions, useError } from './fields.tsx';
import { describeField } from './describe.ts';

export function Section({ title, children, description }: { title: string; children: ReactNode; description?: string | undefined }) {
  const id = `section-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <fieldset aria-labelledby={id} className="border border-line bg-panel px-4 pt-2 pb-4">
      <legend id={id} className="px-1 text-[0.9em] font-semibold tracking-wider text-dim uppercase">
        {title}
      </legend>
      {description ? <p className="mb-3 text-[0.9em] text-mute">{description}</p> : null}
      <div className="flex flex-col gap-4">{children}</div>
    </fieldset>
  );
}

/**
 * A titled grid of fields. `pairs`: two columns at every width from `sm` up, for fields that go
 * together side by side (bid | ask, count | window), so a pair never splits across rows.
 */
export function Group({ title, children, pairs }: { title?: string; children: ReactNode; pairs?: boolean }) {
  return (
    <div>
      {title ? <h3 className="mb-2 text-[0.85em] tracking-wider text-mute uppercase">{title}</h3> : null}
      <div className={pairs ? 'grid grid-cols-1 gap-x-4 gap-y-3 sm:grid-cols-2' : 'grid grid-cols-1 gap-x-4 gap-y-3 sm:grid-cols-2 2xl:grid-cols-3'}>{children}</div>
    </div>
  );
}

export function GeneralSection({ accounts, instruments, editing }: { accounts: readonly AccountDto[]; instruments: readonly InstrumentDto[]; editing: boolean }) {
  const accountId = useWatch<BotConfigInput, 'accountId'>({ name: 'accountId' });
  const account = accounts.find((a) => a.id === accountId);
  return (
    <Section title="Venue and account" description="Where the bot trades, and whether with real money.">
      <Group>
        <TextField name="name" label="Name" />
        <SelectField
          name="accountId"
          label="Account"
          options={[{ value: '', label: '— choose —' }, ...accounts.map((a) => ({ value: a.id, label: `${a.name} (${a.venue} ${a.market}${a.live ? ', live' : ''})` }))]}
        />
        <TextField name="symbol" label="Symbol" list="instrument-list" placeholder={instruments[0]?.symbol ?? 'e.g. BTCUSDT'} />
        <SelectField
          name="mode"
          label="Mode"
          options={[
            { value: 'paper', label: 'paper (simulated)' },
            { value: 'live', label: 'LIVE (real orders)' },
          ]}
        />
        <NumberField name="seed" label="Seed" step="1" />
      </Group>
      <datalist id="instrument-list">
        {instruments.map((i) => (
          <option key={i.symbol} value={i.symbol}>
            {i.base}/{i.quote} {i.kind} · tick {i.tickSize} · lot {i.lotSize}
          </option>
        ))}
      </datalist>
      {account && !account.live ? <p className="text-[0.9em] text-mute">This account is paper-only: live mode needs an account with “allow live” switched on.</p> : null}
      {editing ? <p className="text-[0.9em] text-mute">Changing the account or symbol of an existing bot starts it afresh on the new market.</p> : null}
    </Section>
  );
}

export function MarketMakingSection({ accounts }: { accounts: readonly AccountDto[] }) {
  const source = useWatch<BotConfigInput, 'marketMaking.referencePrice.source'>({ name: 'marketMaking.referencePrice.source' });
  const distribution = useWatch<BotConfigInput, 'marketMaking.distribution'>({ name: 'marketMaking.distribution' });
  const { setValue, getValues } = useFormContext<BotConfigInput>();
  const externalError = useError('marketMaking.referencePrice.external');
  return (
    <Section title="Market making" description={describeField(botConfigSchema, 'marketMaking')}>
      <Group>
        <CheckField name="marketMaking.enabled" label="Quote a grid" />
        <CheckField name="marketMaking.breakEvenFloor" label="Break-even floor" />
      </Group>
      <Group title="Reference price">
        <SelectField
          name="marketMaking.referencePrice.source"
          label="Reference source"
          options={plainOptions(REFERENCE_SOURCES)}
        />
        {source === 'ema' ? <NumberField name="marketMaking.referencePrice.emaHalfLifeMs" label="EMA half-life" suffix="ms" step="100" /> : null}
        <NumberField name="marketMaking.referencePrice.maxAgeMs" label="Max reference age" suffix="ms" step="100" />
      </Group>
      {source === 'external' ? (
        <Group title="External price">
          <Field label="External account" help={describeField(botConfigSchema, 'marketMaking.referencePrice.external.accountId')} error={externalError}>
            <select
              value={getValues('marketMaking.referencePrice.external.accountId') ?? ''}
              onChange={(e) =>
                setValue('marketMaking.referencePrice.external', { symbol: getValues('marketMaking.referencePrice.external.symbol') ?? '', maxDeviationPct: getValues('marketMaking.referencePrice.external.maxDeviationPct') ?? 2, accountId: e.target.value }, { shouldValidate: true })
              }
            >
              <option value="">— choose —</option>
              {accounts.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} ({a.venue})
                </option>
              ))}
            </select>
          </Field>
          <TextField name="marketMaking.referencePrice.external.symbol" label="External symbol" />
          <NumberField name="marketMaking.referencePrice.external.maxDeviationPct" label="Max external deviation" suffix="%" />
        </Group>
      ) : null}
      {/* bid on the left, ask on the right, row by row */}
      <Group title="Levels and spreads" pairs>
        <NumberField name="marketMaking.bidLevels" label="Bid levels" step="1" min={0} max={50} />
        <NumberField name="marketMaking.askLevels" label="Ask levels" step="1" min={0} max={50} />
        <NumberField name="marketMaking.bidSpread.minPct" label="Bid min spread" suffix="%" />
        <NumberField name="marketMaking.askSpread.minPct" label="Ask min spread" suffix="%" />
        <NumberField name="marketMaking.bidSpread.maxPct" label="Bid max spread" suffix="%" />
        <NumberField name="marketMaking.askSpread.maxPct" label="Ask max spread" suffix="%" />
        <NumberField name="marketMaking.stepPct" label="Level step" suffix="%" />
      </Group>
      <Group title="Budgets and sizes" pairs>
        <DecimalField name="marketMaking.bidBudgetQuote" label="Bid budget" suffix="quote" />
        <DecimalField name="marketMaking.askBudgetBase" label="Ask budget" suffix="base" />
        <DecimalField name="marketMaking.bidSize.min" label="Bid min size" suffix="base" />
        <DecimalField name="marketMaking.askSize.min" label="Ask min size" suffix="base" />
        <DecimalField name="marketMaking.bidSize.max" label="Bid max size" suffix="base" />
        <DecimalField name="marketMaking.askSize.max" label="Ask max size" suffix="base" />
        <SelectField name="marketMaking.distribution" label="Distribution" options={plainOptions(DISTRIBUTIONS)} />
        {distribution === 'CUSTOM' ? <WeightsField /> : null}
        {distribution === 'RANDOM' ? (
          <>
            <span className="hidden sm:block" />
            <NumberField name="marketMaking.randomMinWeight" label="Random min weight" />
            <NumberField name="marketMaking.randomMaxWeight" label="Random max weight" />
          </>
        ) : null}
      </Group>
      <Group title="Inventory skew">
        <CheckField name="marketMaking.inventorySkew.enabled" label="Skew toward target inventory" />
        <NumberField name="marketMaking.inventorySkew.targetBasePct" label="Target base share" suffix="%" />
        <NumberField name="marketMaking.inventorySkew.rangePct" label="Skew range" suffix="pp" />
        <NumberField name="marketMaking.inventorySkew.sizeFactor" label="Size skew factor" step="0.05" />
        <NumberField name="marketMaking.inventorySkew.priceSkewPct" label="Price skew" suffix="%" />
      </Group>
      <Group title="Refresh">
        <NumberField name="marketMaking.refresh.intervalMs" label="Refresh interval" suffix="ms" step="100" />
        <NumberField name="marketMaking.refresh.tolerancePct" label="Refresh tolerance" suffix="%" />
        <NumberField name="marketMaking.refresh.maxOrderAgeMs" label="Max order age" suffix="ms" step="1000" />
        <NumberField name="marketMaking.refresh.fillDelayMs" label="Delay after fill" suffix="ms" step="100" />
      </Group>
      <Group title="Price band" pairs>
        <DecimalField name="marketMaking.priceFloor" label="Price floor" optional />
        <DecimalField name="marketMaking.priceCeiling" label="Price ceiling" optional />
      </Group>
    </Section>
  );
}

function WeightsField() {
  const { control } = useFormContext<BotConfigInput>();
  const error = useError('marketMaking.customWeights');
  return (
    <Controller
      control={control}
      name="marketMaking.customWeights"
      render={({ field }) => <WeightsInput value={field.value ?? []} onChange={field.onChange} onBlur={field.onBlur} error={error} />}
    />
  );
}

function WeightsInput({ value, onChange, onBlur, error }: { value: readonly number[]; onChange: (v: number[]) => void; onBlur: () => void; error: string | undefined }) {
  const [text, setText] = useState(() => value.join(', '));
  return (
    <Field label="Custom weights" help={describeField(botConfigSchema, 'marketMaking.customWeights')} error={error} className="sm:col-span-2">
      <input
        type="text"
        value={text}
        placeholder="3, 2, 1"
        onBlur={onBlur}
        onChange={(e) => {
          setText(e.target.value);
          const parts = e.target.value.split(/[\s,;]+/).filter(Boolean);
          onChange(parts.map((p) => Number(p)));
        }}
      />
    </Field>
  );
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export function VolumeSection() {
  const { control } = useFormContext<BotConfigInput>();
  const windows = useFieldArray({ control, name: 'volume.windows' });
  const windowsError = useError('volume.windows');
  return (
    <Section title="Volume" description={describeField(botConfigSchema, 'volume')}>
      <Group>
        <CheckField name="volume.enabled" label="Volume target on" />
        <SelectField
          name="volume.mode"
          label="Volume mode"
          options={plainOptions(VOLUME_MODES)}
        />
      </Group>
      <Group title="Target and trade sizes" pairs>
        <DecimalField name="volume.dailyTargetQuote" label="Daily target" suffix="quote" />
        <TextField name="volume.timezone" label="Volume time zone" list={TIME_ZONE_LIST_ID} />
        <DecimalField name="volume.minTradeQuote" label="Min trade" suffix="quote" />
        <DecimalField name="volume.maxTradeQuote" label="Max trade" suffix="quote" />
        <NumberField name="volume.makerTimeoutMs" label="Maker timeout" suffix="ms" step="1000" />
        <NumberField name="volume.maxSlippagePct" label="Max slippage" suffix="%" />
      </Group>
      <TimeZoneList />
      <div>
        <h3 className="mb-1 text-[0.85em] tracking-wider text-mute uppercase">Active windows</h3>
        <p className="mb-2 text-[0.85em] text-mute">
          {describeField(botConfigSchema, 'volume.windows')} Start and end are HH:MM in the volume time zone; an end before the start runs past midnight.
        </p>
        {windowsError ? (
          <p role="alert" className="mb-2 text-err">
            {windowsError}
          </p>
        ) : null}
        <ul className="flex flex-col gap-2">
          {windows.fields.map((w, i) => (
            // start, end, days and remove on one line, aligned on the inputs' baseline; the help
            // text is said once above instead of under each input (it made them uneven)
            <li key={w.id} className="flex flex-wrap items-end gap-x-4 gap-y-2 border border-line px-3 py-2">
              <TextField name={`volume.windows.${i}.start`} label={`Window ${i + 1} start`} help="" className="w-36" placeholder="08:00" />
              <TextField name={`volume.windows.${i}.end`} label={`Window ${i + 1} end`} help="" className="w-36" placeholder="20:00" />
              <Controller
                control={control}
                name={`volume.windows.${i}.days`}
                render={({ field }) => {
                  const days = field.value ?? [0, 1, 2, 3, 4, 5, 6];
                  return (
                    <div role="group" aria-label={`Window ${i + 1} days`} className="flex h-[1.9rem] flex-wrap items-center gap-x-2 gap-y-1">
                      {DAYS.map((d, n) => (
                        <label key={d} className="flex items-center gap-0.5 text-[0.9em] text-dim">
                          <input
                            type="checkbox"
                            className="accent-white"
                            checked={days.includes(n)}
                            onChange={(e) => field.onChange(e.target.checked ? [...days, n].sort() : days.filter((x) => x !== n))}
                          />
                          {d}
                        </label>
                      ))}
                    </div>
                  );
                }}
              />
              <Button size="sm" variant="ghost" onClick={() => windows.remove(i)} aria-label={`Remove window ${i + 1}`}>
                remove
              </Button>
            </li>
          ))}
        </ul>
        <Button size="sm" className="mt-2" onClick={() => windows.append({ start: '08:00', end: '20:00', days: [0, 1, 2, 3, 4, 5, 6] })}>
          + Add window
        </Button>
      </div>
      <Group title="Hard caps" pairs>
        <DecimalField name="volume.maxNotionalPerHourQuote" label="Max per hour" suffix="quote" />
        <NumberField
          name="volume.catchUpMultiple"
          label="Catch-up multiple"
          suffix="×"
          step="0.5"
          min={1}
          max={10}
          help="Bounds catching up (e.g. after a mid-day start): per clock hour at most this × the plain pace (daily target ÷ active hours), never over Max per hour. 1–10."
        />
        <DecimalField name="volume.maxFeesPerDayQuote" label="Max fees per day" suffix="quote" />
        <DecimalField name="volume.maxLossPerDayQuote" label="Max loss per day" suffix="quote" />
      </Group>
    </Section>
  );
}

export function RiskSection() {
  const { control } = useFormContext<BotConfigInput>();
  return (
    <Section title="Risk" description={describeField(botConfigSchema, 'risk')}>
      <Group title="Orders">
        <NumberField name="risk.maxOpenOrders" label="Max open orders" step="1" />
        <NumberField name="risk.maxOpenOrdersPerAccount" label="Max open orders per account" step="1" />
        <DecimalField name="risk.maxOrderNotionalQuote" label="Max order value" suffix="quote" />
        <NumberField name="risk.maxPriceDeviationPct" label="Max price deviation" suffix="%" />
        <NumberField name="risk.maxOrdersPerMinute" label="Max orders per minute" step="1" />
        <DecimalField name="risk.minQuoteBalance" label="Min quote balance" suffix="quote" />
      </Group>
      <Group title="Losses" pairs>
        <DecimalField name="risk.dailyLossLimitQuote" label="Daily loss limit" suffix="quote" />
        <DecimalField name="risk.maxDrawdownQuote" label="Max drawdown" suffix="quote" />
      </Group>
      <Group title="Breakers" pairs>
        <NumberField name="risk.apiErrorBreaker.count" label="API errors to pause" step="1" help={describeField(botConfigSchema, 'risk.apiErrorBreaker')} />
        <NumberField name="risk.apiErrorBreaker.windowMs" label="API error window" suffix="ms" step="1000" />
        <NumberField name="risk.rejectBreaker.count" label="Rejections to pause" step="1" help={describeField(botConfigSchema, 'risk.rejectBreaker')} />
        <NumberField name="risk.rejectBreaker.windowMs" label="Rejection window" suffix="ms" step="1000" />
      </Group>
      <Group title="Market data and resume">
        <NumberField name="risk.staleDataMs" label="Stale data after" suffix="ms" step="500" />
        <NumberField name="risk.maxReferenceDeviationPct" label="Max reference deviation" suffix="%" />
        <NumberField name="risk.autoResumeMs" label="Auto-resume after" suffix="ms" step="1000" />
      </Group>
      <Group title="Perpetuals">
        <DecimalField name="risk.maxPositionNotionalQuote" label="Max position value" suffix="quote" />
        <NumberField name="risk.minMarginRatioPct" label="Max margin use" suffix="%" />
        <NumberField name="risk.minLiquidationDistancePct" label="Min liquidation distance" suffix="%" />
        <NumberField name="risk.maxAdlQuantile" label="Max ADL quantile" step="1" min={0} max={5} />
      </Group>
      <div>
        <h3 className="mb-1 text-[0.85em] tracking-wider text-mute uppercase">Actions per rule</h3>
        <p className="mb-2 text-[0.85em] text-mute">{describeField(botConfigSchema, 'risk.actions')}</p>
        <Controller
          control={control}
          name="risk.actions"
          render={({ field }) => {
            const actions = (field.value ?? {}) as Record<string, string>;
            return (
              <div className="grid grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-2 2xl:grid-cols-3">
                {RISK_RULES.map((rule) => (
                  <label key={rule} className="flex items-center justify-between gap-2 text-dim">
                    <span className="truncate">{rule}</span>
                    <select
                      aria-label={`Action for ${rule}`}
                      value={actions[rule] ?? ''}
                      onChange={(e) => {
                        const next = { ...actions };
                        if (e.target.value) next[rule] = e.target.value;
                        else delete next[rule];
                        field.onChange(next);
                      }}
                    >
                      <option value="">default</option>
                      {RISK_ACTIONS.map((a) => (
                        <option key={a} value={a}>
                          {a}
                        </option>
                      ))}
                    </select>
                  </label>
                ))}
              </div>
            );
          }}
        />
      </div>
    </Section>
  );
}

export function PerpSection({ isPerp }: { isPerp: boolean }) {
  return (
    <Section title="Perpetual futures" description={isPerp ? describeField(botConfigSchema, 'perp') : 'Used only on perpetual futures accounts; this account trades spot.'}>
      <Group>
        <NumberField name="perp.leverage" label="Leverage" step="1" min={1} max={125} />
        <SelectField
          name="perp.marginType"
          label="Margin type"
          options={plainOptions(MARGIN_TYPES)}
        />
      </Group>
    </Section>
  );
}
