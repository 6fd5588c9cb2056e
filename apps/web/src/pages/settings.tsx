// Settings: display (time zone, density), notifications (Telegram, webhook, which events, fill
// and daily summaries) and the admin password.
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { EVENT_MODES, MESSAGE_KINDS, WEBHOOK_FORMATS, changePasswordInputSchema, isValidTimeZone } from '@mm/core';
import type { NotificationSettingsDto, SettingsDto, WebhookFormat } from '@mm/core';
import { ApiError, api, errorMessage } from '../lib/api.ts';
import { useSaveSettings, useSettings } from '../lib/queries.ts';
import { setDisplayPrefs, useDisplayPrefs } from '../lib/prefs.ts';
import type { Density } from '../lib/prefs.ts';
import { MESSAGE_KIND_LABELS } from '../lib/message-labels.ts';
import { Button } from '../ui/button.tsx';
import { Field, FormError } from '../ui/field.tsx';
import { Empty, ErrorText, Panel } from '../ui/panel.tsx';
import { TIME_ZONE_LIST_ID, TimeZoneList } from '../ui/time-zone-list.tsx';

export default function SettingsPage() {
  const settings = useSettings();
  return (
    <div className="grid items-start gap-[var(--gap)] xl:grid-cols-2">
      <TimeZoneList />
      <div className="flex flex-col gap-[var(--gap)]">
        <DisplayPanel settings={settings.data} />
        <PasswordPanel />
      </div>
      {settings.isError ? (
        <Panel title="Notifications" id="notifications">
          <ErrorText>{errorMessage(settings.error)}</ErrorText>
        </Panel>
      ) : settings.data && isNotifications(settings.data) ? (
        <NotificationsPanel settings={settings.data} />
      ) : settings.data ? (
        <Panel title="Notifications" id="notifications">
          <Empty>This server does not offer notification settings yet (Telegram and webhook alerts arrive with the notifier).</Empty>
        </Panel>
      ) : (
        <Panel title="Notifications" id="notifications">
          <Empty>loading…</Empty>
        </Panel>
      )}
    </div>
  );
}

function isNotifications(s: SettingsDto): s is NotificationSettingsDto & SettingsDto {
  return s.telegram !== undefined && s.webhook !== undefined && s.events !== undefined && s.dailySummary !== undefined && s.fillSummaryIntervalMs !== undefined;
}

function DisplayPanel({ settings }: { settings: SettingsDto | undefined }) {
  const prefs = useDisplayPrefs();
  const save = useSaveSettings();
  const [tz, setTz] = useState(prefs.timezone);
  const [message, setMessage] = useState<string>();
  const tzError = tz && !isValidTimeZone(tz) ? `"${tz}" is not a known time zone (use e.g. UTC or Europe/Berlin)` : undefined;
  const apply = async (next: { timezone: string; density: Density }) => {
    setDisplayPrefs(next);
    setMessage(undefined);
    if (!settings) return;
    try {
      await save.mutateAsync({ display: next });
      setMessage('Saved.');
    } catch (e) {
      setMessage(`Applied in this browser; not saved on the server: ${errorMessage(e)}`);
    }
  };
  return (
    <Panel title="Display" id="display">
      <div className="grid grid-cols-1 gap-x-4 gap-y-3 sm:grid-cols-2">
        <Field label="Display time zone" help="All times on the dashboard are shown in this zone." error={tzError}>
          <input
            list={TIME_ZONE_LIST_ID}
            value={tz}
            onChange={(e) => setTz(e.target.value)}
            onBlur={() => {
              if (!tzError && tz !== prefs.timezone) void apply({ timezone: tz, density: prefs.density });
            }}
          />
        </Field>
        <Field label="Density" help="Compact fits more rows on a screen.">
          <select value={prefs.density} onChange={(e) => void apply({ timezone: prefs.timezone, density: e.target.value as Density })}>
            <option value="comfortable">comfortable</option>
            <option value="compact">compact</option>
          </select>
        </Field>
      </div>
      {message ? (
        <p role="status" className="mt-2 text-dim">
          {message}
        </p>
      ) : null}
    </Panel>
  );
}

interface NotifyForm {
  telegramEnabled: boolean;
  botToken: string;
  clearToken: boolean;
  chatIds: string;
  apiBase: string;
  commands: boolean;
  webhookEnabled: boolean;
  webhookUrl: string;
  webhookFormat: WebhookFormat;
  webhookSecret: string;
  events: Record<string, string>;
  fillSummarySeconds: number;
  dailyEnabled: boolean;
  dailyHour: number;
  dailyTimezone: string;
}

function toForm(s: NotificationSettingsDto): NotifyForm {
  return {
    telegramEnabled: s.telegram.enabled,
    botToken: '',
    clearToken: false,
    chatIds: s.telegram.chatIds.join(', '),
    apiBase: s.telegram.apiBase,
    commands: s.telegram.commands ?? true,
    webhookEnabled: s.webhook.enabled,
    webhookUrl: s.webhook.url,
    webhookFormat: s.webhook.format ?? 'json',
    webhookSecret: s.webhook.secret ?? '',
    events: Object.fromEntries(MESSAGE_KINDS.map((k) => [k, s.events[k] ?? 'on'])),
    fillSummarySeconds: Math.round(s.fillSummaryIntervalMs / 1000),
    dailyEnabled: s.dailySummary.enabled,
    dailyHour: s.dailySummary.hour,
    dailyTimezone: s.dailySummary.timezone,
  };
}

/** Server paths (telegram.chatIds.0) → this form's fields. */
const FIELD_OF: [RegExp, keyof NotifyForm][] = [
  [/^telegram\.enabled/, 'telegramEnabled'],
  [/^telegram\.botToken/, 'botToken'],
  [/^telegram\.chatIds/, 'chatIds'],
  [/^telegram\.apiBase/, 'apiBase'],
  [/^webhook\.url/, 'webhookUrl'],
  [/^webhook\.secret/, 'webhookSecret'],
  [/^fillSummaryIntervalMs/, 'fillSummarySeconds'],
  [/^dailySummary\.hour/, 'dailyHour'],
  [/^dailySummary\.timezone/, 'dailyTimezone'],
];

function NotificationsPanel({ settings }: { settings: NotificationSettingsDto }) {
  const save = useSaveSettings();
  // `values`: the form follows the stored settings (loaded, or as saved) without an effect
  const form = useForm<NotifyForm>({ values: toForm(settings) });
  const [formError, setFormError] = useState<string>();
  const [saved, setSaved] = useState(false);
  const [testResult, setTestResult] = useState<{ ok: boolean; message: string }>();
  const [testing, setTesting] = useState(false);
  const errors = form.formState.errors;
  const tokenStored = settings.telegram.botToken !== '';

  const submit = form.handleSubmit(async (v) => {
    setFormError(undefined);
    setSaved(false);
    const telegram: Record<string, unknown> = {
      enabled: v.telegramEnabled,
      chatIds: v.chatIds.split(/[\s,;]+/).filter(Boolean),
      apiBase: v.apiBase.trim(),
      commands: v.commands,
    };
    if (v.clearToken) telegram.botToken = '';
    else if (v.botToken.trim()) telegram.botToken = v.botToken.trim();
    const body = {
      telegram,
      webhook: { enabled: v.webhookEnabled, url: v.webhookUrl.trim(), format: v.webhookFormat, secret: v.webhookSecret },
      events: v.events,
      fillSummaryIntervalMs: Math.round(v.fillSummarySeconds * 1000),
      dailySummary: { enabled: v.dailyEnabled, hour: v.dailyHour, timezone: v.dailyTimezone.trim() },
    };
    try {
      await save.mutateAsync(body);
      setSaved(true);
    } catch (e) {
      if (e instanceof ApiError && e.fields.length > 0) {
        for (const f of e.fields) {
          const target = FIELD_OF.find(([re]) => re.test(f.path))?.[1];
          if (target) form.setError(target, { type: 'server', message: f.message });
        }
      }
      setFormError(errorMessage(e));
    }
  });

  const sendTest = async () => {
    setTesting(true);
    setTestResult(undefined);
    try {
      setTestResult(await api.post<{ ok: boolean; message: string }>('/api/settings/telegram/test'));
    } catch (e) {
      setTestResult({ ok: false, message: errorMessage(e) });
    } finally {
      setTesting(false);
    }
  };

  return (
    <Panel title="Notifications" id="notifications">
      <form onSubmit={submit} noValidate className="flex flex-col gap-5" aria-label="Notifications">
        <fieldset className="flex flex-col gap-3">
          <legend className="mb-2 text-[0.85em] tracking-wider text-mute uppercase">Telegram</legend>
          <Field label="Send alerts to Telegram" inline error={errors.telegramEnabled?.message} help="Alerts to the allowed chats; they may also send commands (/status, /pause, /kill…).">
            <input type="checkbox" className="accent-white" {...form.register('telegramEnabled')} />
          </Field>
          <div className="grid grid-cols-1 gap-x-4 gap-y-3 sm:grid-cols-2">
            <Field label="Bot token" error={errors.botToken?.message} help={tokenStored ? `Stored (${settings.telegram.botToken}). Leave empty to keep it.` : 'From @BotFather. Stored encrypted, never shown again.'}>
              <input type="password" autoComplete="new-password" placeholder={tokenStored ? settings.telegram.botToken : '123456789:AA…'} {...form.register('botToken')} />
            </Field>
            <Field label="Chat ids" error={errors.chatIds?.message} help="Numeric ids, comma-separated; groups are negative. Anyone else is ignored.">
              <input autoComplete="off" placeholder="123456789, -100123…" {...form.register('chatIds')} />
            </Field>
            <Field label="Bot API base URL" error={errors.apiBase?.message} help="Change only for a local Bot API server.">
              <input autoComplete="off" {...form.register('apiBase')} />
            </Field>
            <div className="flex flex-col gap-2 pt-4">
              <Field label="Accept commands from these chats" inline>
                <input type="checkbox" className="accent-white" {...form.register('commands')} />
              </Field>
              {tokenStored ? (
                <Field label="Remove the stored token" inline>
                  <input type="checkbox" className="accent-white" {...form.register('clearToken')} />
                </Field>
              ) : null}
            </div>
          </div>
          <div className="flex items-center gap-3">
            <Button size="sm" onClick={() => void sendTest()} disabled={testing}>
              Send test message
            </Button>
            {testResult ? (
              <span role="status" className={testResult.ok ? 'text-run' : 'text-err'}>
                {testResult.ok ? '✓' : '✕'} {testResult.message}
              </span>
            ) : null}
          </div>
        </fieldset>
        <fieldset className="flex flex-col gap-3">
          <legend className="mb-2 text-[0.85em] tracking-wider text-mute uppercase">Webhook</legend>
          <Field label="Post events to a webhook" inline>
            <input type="checkbox" className="accent-white" {...form.register('webhookEnabled')} />
          </Field>
          <div className="grid grid-cols-1 gap-x-4 gap-y-3 sm:grid-cols-3">
            <Field label="Webhook URL" error={errors.webhookUrl?.message} help="Treated as a secret." className="sm:col-span-2">
              <input autoComplete="off" {...form.register('webhookUrl')} />
            </Field>
            <Field label="Format">
              <select {...form.register('webhookFormat')}>
                {WEBHOOK_FORMATS.map((f) => (
                  <option key={f} value={f}>
                    {f}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Signing secret" error={errors.webhookSecret?.message} help="Optional: HMAC-SHA256 in X-MM-Signature.">
              <input type="password" autoComplete="new-password" {...form.register('webhookSecret')} />
            </Field>
          </div>
        </fieldset>
        <fieldset>
          <legend className="mb-2 text-[0.85em] tracking-wider text-mute uppercase">Events</legend>
          <p className="mb-2 text-[0.85em] text-mute">on: with sound · silent: delivered quietly · off: not sent.</p>
          <div className="grid grid-cols-1 gap-x-6 gap-y-1 sm:grid-cols-2">
            {MESSAGE_KINDS.map((k) => (
              <label key={k} className="flex items-center justify-between gap-2">
                <span className="text-dim">{MESSAGE_KIND_LABELS[k]}</span>
                <select aria-label={`Notify: ${MESSAGE_KIND_LABELS[k]}`} {...form.register(`events.${k}`)}>
                  {EVENT_MODES.map((m) => (
                    <option key={m} value={m}>
                      {m}
                    </option>
                  ))}
                </select>
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset className="grid grid-cols-1 gap-x-4 gap-y-3 sm:grid-cols-3">
          <legend className="mb-2 text-[0.85em] tracking-wider text-mute uppercase">Summaries</legend>
          <Field label="Fill summary every" error={errors.fillSummarySeconds?.message} suffix="s" help="Fills are summed per bot over this interval.">
            <input type="number" min={10} step={10} {...form.register('fillSummarySeconds', { valueAsNumber: true })} />
          </Field>
          <Field label="Daily summary" inline>
            <input type="checkbox" className="accent-white" {...form.register('dailyEnabled')} />
          </Field>
          <span />
          <Field label="Daily summary hour" error={errors.dailyHour?.message} help="0–23, in the daily summary time zone.">
            <input type="number" min={0} max={23} step={1} {...form.register('dailyHour', { valueAsNumber: true })} />
          </Field>
          <Field label="Daily summary time zone" error={errors.dailyTimezone?.message}>
            <input list={TIME_ZONE_LIST_ID} {...form.register('dailyTimezone')} />
          </Field>
        </fieldset>
        <FormError>{formError}</FormError>
        <div className="flex items-center gap-3">
          <Button type="submit" variant="primary" disabled={save.isPending}>
            Save notifications
          </Button>
          {saved ? (
            <span role="status" className="text-dim">
              Saved.
            </span>
          ) : null}
        </div>
      </form>
    </Panel>
  );
}

const passwordFormSchema = changePasswordInputSchema.extend({ confirm: z.string() }).refine((v) => v.newPassword === v.confirm, { message: 'the passwords differ', path: ['confirm'] });

function PasswordPanel() {
  const form = useForm<z.input<typeof passwordFormSchema>, unknown, z.output<typeof passwordFormSchema>>({
    resolver: zodResolver(passwordFormSchema),
    defaultValues: { currentPassword: '', newPassword: '', confirm: '' },
  });
  const [error, setError] = useState<string>();
  const [done, setDone] = useState(false);
  const errors = form.formState.errors;
  const submit = form.handleSubmit(async ({ currentPassword, newPassword }) => {
    setError(undefined);
    setDone(false);
    try {
      await api.post('/api/auth/password', { currentPassword, newPassword });
      setDone(true);
      form.reset();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setError('The current password is wrong.');
      else {
        if (e instanceof ApiError) for (const f of e.fields) form.setError(f.path as 'newPassword', { message: f.message });
        setError(errorMessage(e));
      }
    }
  });
  return (
    <Panel title="Admin password" id="password">
      <form onSubmit={submit} noValidate className="flex max-w-md flex-col gap-3" aria-label="Change password">
        <Field label="Current password" error={errors.currentPassword?.message}>
          <input type="password" autoComplete="current-password" {...form.register('currentPassword')} />
        </Field>
        <Field label="New password" error={errors.newPassword?.message} help="At least 10 characters. Other sessions are logged out.">
          <input type="password" autoComplete="new-password" {...form.register('newPassword')} />
        </Field>
        <Field label="Repeat new password" error={errors.confirm?.message}>
          <input type="password" autoComplete="new-password" {...form.register('confirm')} />
        </Field>
        <FormError>{error}</FormError>
        {done ? (
          <p role="status" className="text-run">
            Password changed.
          </p>
        ) : null}
        <div>
          <Button type="submit" variant="primary" disabled={form.formState.isSubmitting}>
            Change password
          </Button>
        </div>
      </form>
    </Panel>
  );
}
