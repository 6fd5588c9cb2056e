// Create or edit a bot. Validated as you go with the server's own schema (botConfigSchema);
// the server's field errors land on the same fields. Saving a running bot applies live.
import { useEffect, useMemo, useState } from 'react';
import { FormProvider, useForm, useWatch } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery } from '@tanstack/react-query';
import { botConfigSchema, marketMakingSchema, perpSettingsSchema, riskSchema, volumeSchema } from '@mm/core';
import type { BotConfig, BotConfigInput, BotDetailDto } from '@mm/core';
import { ApiError, api, errorMessage } from '../../lib/api.ts';
import { keys, useAccounts, useConfigVersions, useInstruments, useSaveBot } from '../../lib/queries.ts';
import { Link, navigate } from '../../lib/router.tsx';
import { fmtDateTime } from '../../lib/format.ts';
import { useTimeZone } from '../../lib/prefs.ts';
import { Button } from '../../ui/button.tsx';
import { ConfirmDialog } from '../../ui/confirm.tsx';
import { FormError } from '../../ui/field.tsx';
import { Empty, ErrorText, Panel } from '../../ui/panel.tsx';
import { BotStatePill } from '../../ui/status.tsx';
import { GeneralSection, MarketMakingSection, PerpSection, RiskSection, VolumeSection } from './sections.tsx';
import { GridPreview } from './grid-preview.tsx';

function blankConfig(accountId: string): BotConfigInput {
  return {
    name: '',
    accountId,
    symbol: '',
    mode: 'paper',
    marketMaking: marketMakingSchema.parse({}),
    volume: volumeSchema.parse({}),
    risk: riskSchema.parse({}),
    perp: perpSettingsSchema.parse({}),
    seed: 1,
  };
}

/** A config stored before a volume field existed (e.g. catchUpMultiple) shows the default the engine applies. */
function withVolumeDefaults(config: BotConfigInput): BotConfigInput {
  return { ...config, volume: { ...volumeSchema.parse({}), ...config.volume } };
}

export default function BotFormPage({ botId }: { botId?: string | undefined }) {
  const existing = useQuery({
    queryKey: keys.bot(botId ?? ''),
    enabled: botId !== undefined,
    queryFn: () => api.get<BotDetailDto>(`/api/bots/${encodeURIComponent(botId!)}`),
    staleTime: Infinity,
  });
  const accounts = useAccounts();
  if (botId !== undefined && existing.isPending) return <Empty>loading…</Empty>;
  if (existing.isError) return <ErrorText>{errorMessage(existing.error)}</ErrorText>;
  if (accounts.isPending) return <Empty>loading…</Empty>;
  const defaultAccount = accounts.data?.find((a) => a.venue === 'sim')?.id ?? accounts.data?.[0]?.id ?? '';
  const initial: BotConfigInput = existing.data ? withVolumeDefaults(structuredClone(existing.data.config)) : blankConfig(defaultAccount);
  return <BotForm bot={existing.data} initial={initial} />;
}

function BotForm({ bot, initial }: { bot: BotDetailDto | undefined; initial: BotConfigInput }) {
  const accounts = useAccounts();
  const save = useSaveBot(bot?.id);
  const tz = useTimeZone();
  const [formError, setFormError] = useState<string>();
  const [pendingLive, setPendingLive] = useState<BotConfig>();
  const form = useForm<BotConfigInput, unknown, BotConfig>({
    resolver: zodResolver(botConfigSchema),
    defaultValues: initial,
    mode: 'onTouched',
  });
  const accountId = useWatch({ control: form.control, name: 'accountId' });
  const instruments = useInstruments(accountId || undefined);
  const account = accounts.data?.find((a) => a.id === accountId);
  const versions = useConfigVersions(bot?.id);
  const running = bot !== undefined && bot.state !== 'STOPPED' && bot.state !== 'ERROR';

  useEffect(() => {
    // a new bot: propose the first instrument of the chosen account
    if (bot === undefined && !form.getValues('symbol') && instruments.data?.[0]) form.setValue('symbol', instruments.data[0].symbol);
  }, [bot, instruments.data, form]);

  const persist = async (config: BotConfig) => {
    setFormError(undefined);
    try {
      const saved = await save.mutateAsync(config);
      navigate(`/bots/${encodeURIComponent(saved.id)}`);
    } catch (e) {
      if (e instanceof ApiError && e.fields.length > 0) {
        for (const f of e.fields) {
          if (f.path === '(config)') setFormError(f.message);
          else form.setError(f.path as 'name', { type: 'server', message: f.message }, { shouldFocus: true });
        }
        setFormError((prev) => prev ?? 'The server refused some fields; see the messages at the marked fields.');
      } else setFormError(errorMessage(e));
    }
  };

  const onSubmit = form.handleSubmit(async (config) => {
    const goingLive = config.mode === 'live' && bot?.config.mode !== 'live';
    if (goingLive) setPendingLive(config);
    else await persist(config);
  });

  const errorCount = useMemo(() => countErrors(form.formState.errors), [form.formState.errors]);

  return (
    <FormProvider {...form}>
      <form onSubmit={onSubmit} noValidate aria-label={bot ? `Edit ${bot.name}` : 'New bot'}>
        <div className="mb-[var(--gap)] flex flex-wrap items-center gap-3 border border-line bg-panel px-4 py-3">
          <h1 className="text-lg font-semibold">{bot ? `Edit ${bot.name}` : 'New bot'}</h1>
          {bot ? (
            <span className="text-dim">
              <BotStatePill state={bot.state} /> · config v{bot.configVersion}
            </span>
          ) : null}
          {running ? <span className="text-pause">Running: saved changes apply live.</span> : null}
          <div className="ml-auto flex items-center gap-2">
            {errorCount > 0 ? <span className="text-err">{errorCount} field{errorCount > 1 ? 's' : ''} to fix</span> : null}
            <Link to={bot ? `/bots/${encodeURIComponent(bot.id)}` : '/'} className="inline-flex h-7 items-center px-3 text-dim hover:text-fg">
              Cancel
            </Link>
            <Button type="submit" variant="primary" disabled={form.formState.isSubmitting || save.isPending}>
              {bot ? (running ? 'Save and apply' : 'Save') : 'Create bot'}
            </Button>
          </div>
        </div>
        <FormError>{formError}</FormError>
        <div className="grid items-start gap-[var(--gap)] xl:grid-cols-[minmax(0,1fr)_30rem]">
          <div className="flex flex-col gap-[var(--gap)]">
            <GeneralSection accounts={accounts.data ?? []} instruments={instruments.data ?? []} editing={bot !== undefined} />
            <MarketMakingSection accounts={accounts.data ?? []} />
            <VolumeSection />
            <RiskSection />
            <PerpSection isPerp={account?.market === 'perp'} />
          </div>
          <div className="flex flex-col gap-[var(--gap)] xl:sticky xl:top-12">
            <GridPreview />
            {bot ? (
              <Panel title="Config history" id="versions" bodyClassName="p-0">
                {(versions.data ?? []).length === 0 ? (
                  <Empty>No earlier versions.</Empty>
                ) : (
                  <table className="grid-table" aria-label="Config versions">
                    <tbody>
                      {[...(versions.data ?? [])].sort((a, b) => b.version - a.version).slice(0, 12).map((v) => (
                        <tr key={v.version}>
                          <td>v{v.version}</td>
                          <td className="text-dim">{fmtDateTime(v.changedAt, tz)}</td>
                          <td className="text-dim">{v.changedBy}</td>
                          <td className="text-right">
                            <Button size="sm" variant="ghost" onClick={() => form.reset(structuredClone(v.config), { keepDefaultValues: true })}>
                              load
                            </Button>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </Panel>
            ) : null}
          </div>
        </div>
      </form>
      <ConfirmDialog
        open={pendingLive !== undefined}
        onOpenChange={(open) => {
          if (!open) setPendingLive(undefined);
        }}
        title={`Switch ${pendingLive?.name ?? 'this bot'} to LIVE trading?`}
        description={
          <>
            The bot will send real orders with real funds on {account ? `${account.name} (${account.venue} ${account.market})` : 'the chosen account'}, {pendingLive?.symbol}. Check the budgets and the risk
            limits first.
          </>
        }
        confirmLabel="Go live"
        onConfirm={async () => {
          if (pendingLive) await persist(pendingLive);
        }}
      />
    </FormProvider>
  );
}

function countErrors(errors: unknown): number {
  if (!errors || typeof errors !== 'object') return 0;
  const e = errors as Record<string, unknown>;
  if (typeof e.message === 'string' && 'type' in e) return 1;
  return Object.entries(e).reduce<number>((n, [k, v]) => (k === 'ref' ? n : n + countErrors(v)), 0);
}
