// Venue accounts: add credentials (secrets are write-only, shown only as a masked hint), test
// the connection and show what the key may do (permissions, balances, latency). Paper accounts
// trade on the simulated exchange: its simulated market, or a venue's live public market data.
import { useState } from 'react';
import type { ReactNode } from 'react';
import { Controller, useForm, useWatch } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import type { z } from 'zod';
import { VENUE_CREDENTIALS, accountFeedSchema, accountInputSchema } from '@mm/core';
import type { AccountDto, AccountFeed, AccountTestDto, CredentialField, VenueInfoDto, VenueName } from '@mm/core';
import { ApiError, errorMessage } from '../lib/api.ts';
import { useAccounts, useDeleteAccount, useSaveAccount, useTestAccount, useVenues } from '../lib/queries.ts';
import { dec, fmtDateTime } from '../lib/format.ts';
import { useTimeZone } from '../lib/prefs.ts';
import { Button } from '../ui/button.tsx';
import { ConfirmButton } from '../ui/confirm.tsx';
import { Field, FormError } from '../ui/field.tsx';
import { Empty, ErrorText, Panel } from '../ui/panel.tsx';
import { describeField } from './bot-form/describe.ts';
import { TableHead } from '../ui/table-head.tsx';

type AccountForm = z.input<typeof accountInputSchema>;
type AccountOut = z.output<typeof accountInputSchema>;
type AuthFamily = 'v3' | 'v1';

/** Asterdex's two APIs, each with its own credential set. */
const AUTH_FAMILIES: readonly { readonly family: AuthFamily; readonly label: string; readonly help: string }[] = [
  { family: 'v3', label: 'V3 — API wallet (recommended)', help: 'Wallet address, API wallet address and the API wallet private key; requests are signed with EIP-712.' },
  { family: 'v1', label: 'V1 — HMAC API key', help: 'An existing API key and secret; new V1 keys cannot be created since 2026-03-25.' },
];

/** What an account is: a venue with keys, or a paper account on one of two kinds of market. */
type AccountKind = 'venue' | 'paper-sim' | 'paper-asterdex' | 'paper-ccxt';

const ACCOUNT_KINDS: readonly { readonly kind: AccountKind; readonly label: string; readonly help: string }[] = [
  { kind: 'venue', label: 'Live venue — your API key', help: 'Real orders, but only for bots you switch to live on an account with live trading allowed.' },
  { kind: 'paper-sim', label: 'Paper — simulated market', help: 'The built-in simulated exchange and its simulated traders (DEMOUSDT spot and perp). Starts with 10 000 USDT and 20 000 DEMO.' },
  {
    kind: 'paper-asterdex',
    label: 'Paper — live market data from Asterdex',
    help: "Asterdex's public order book and trades, read without a key, drive the simulated exchange. Your orders never leave this server: they fill when real trades reach their place in the venue's queue.",
  },
  {
    kind: 'paper-ccxt',
    label: 'Paper — live market data from a ccxt exchange',
    help: "Any exchange ccxt supports (spot): its public order book and trades, read without a key, drive the simulated exchange. Your orders never leave this server.",
  },
];

const kindOf = (a: AccountDto | undefined): AccountKind =>
  a === undefined ? 'venue' : a.feed !== undefined ? (a.feed.venue === 'ccxt' ? 'paper-ccxt' : 'paper-asterdex') : a.venue === 'sim' ? 'paper-sim' : 'venue';

/** "Asterdex perp", "ccxt binance spot": where a live-data paper account's market comes from. */
const feedName = (a: AccountDto): string => (a.feed === undefined ? '' : `${a.feed.venue === 'ccxt' ? `ccxt ${a.feed.exchange ?? ''}` : 'Asterdex'} ${a.market}`);

const DEFAULT_BALANCES = { USDT: '10000' };

/** Which Asterdex family a credential set belongs to. */
const familyOfSet = (set: readonly CredentialField[]): AuthFamily => (set.some((f) => f.name === 'signerPrivateKey') ? 'v3' : 'v1');

/** The stored key's hint without the bookkeeping field that records the family. */
const shownHint = (hint: string): string => hint.replace(/ \(\+ ([^)]*)\)$/, (_all, list: string) => {
  const rest = list.split(', ').filter((f) => f !== 'authFamily');
  return rest.length > 0 ? ` (+ ${rest.join(', ')})` : '';
});

const FALLBACK_VENUES: VenueInfoDto[] = (Object.keys(VENUE_CREDENTIALS) as VenueName[]).map((v) => ({
  venue: v,
  label: v,
  markets: v === 'bitmart' || v === 'ccxt' ? ['spot'] : ['spot', 'perp'],
  credentialSets: VENUE_CREDENTIALS[v],
  status: '',
}));

export default function AccountsPage() {
  const accounts = useAccounts();
  const tz = useTimeZone();
  const [editing, setEditing] = useState<AccountDto | 'new' | undefined>(undefined);
  const [tests, setTests] = useState<Record<string, AccountTestDto | { error: string }>>({});
  const test = useTestAccount();
  const del = useDeleteAccount();
  const runTest = async (a: AccountDto) => {
    try {
      const result = await test.mutateAsync(a.id);
      setTests((t) => ({ ...t, [a.id]: result }));
    } catch (e) {
      setTests((t) => ({ ...t, [a.id]: { error: errorMessage(e) } }));
    }
  };
  return (
    <div className="flex flex-col gap-[var(--gap)]">
      <Panel
        title="Venue accounts"
        id="accounts"
        bodyClassName="overflow-x-auto p-0"
        actions={
          <Button size="sm" variant="primary" onClick={() => setEditing('new')}>
            + Add account
          </Button>
        }
      >
        {accounts.isError ? <ErrorText>{errorMessage(accounts.error)}</ErrorText> : null}
        {accounts.isPending ? (
          <Empty>loading…</Empty>
        ) : (accounts.data ?? []).length === 0 ? (
          <Empty>No accounts.</Empty>
        ) : (
          <table className="grid-table" aria-label="Accounts">
            <TableHead columns={['Name', 'Venue', 'Market', 'Live', 'Key', 'Updated', 'Actions']} />
            <tbody>
              {(accounts.data ?? []).map((a) => {
                const result = tests[a.id];
                return (
                  <AccountRows key={a.id} account={a} tz={tz} result={result} testing={test.isPending && test.variables === a.id}>
                    <Button size="sm" aria-label={`Test ${a.name}`} onClick={() => void runTest(a)} disabled={test.isPending && test.variables === a.id}>
                      Test
                    </Button>
                    <Button size="sm" aria-label={`Edit ${a.name}`} onClick={() => setEditing(a)}>
                      Edit
                    </Button>
                    <ConfirmButton
                      size="sm"
                      variant="danger"
                      ariaLabel={`Delete ${a.name}`}
                      title={`Delete the account ${a.name}?`}
                      description="Its stored credentials are erased. Bots that use this account must be deleted or moved first."
                      confirmLabel="Delete account"
                      onConfirm={() => del.mutateAsync(a.id).catch(() => undefined)}
                    >
                      Delete
                    </ConfirmButton>
                  </AccountRows>
                );
              })}
            </tbody>
          </table>
        )}
        {del.isError ? <ErrorText>{errorMessage(del.error)}</ErrorText> : null}
      </Panel>
      {editing !== undefined ? <AccountEditor key={editing === 'new' ? 'new' : editing.id} account={editing === 'new' ? undefined : editing} onDone={() => setEditing(undefined)} /> : null}
    </div>
  );
}

function AccountRows({ account: a, tz, result, testing, children }: { account: AccountDto; tz: string; result: AccountTestDto | { error: string } | undefined; testing: boolean; children: ReactNode }) {
  return (
    <>
      <tr>
        <td>{a.name}</td>
        <td>{a.feed !== undefined ? <span title="paper account on live market data">paper · {feedName(a)} data</span> : a.venue === 'sim' ? 'paper · simulated' : a.venue}</td>
        <td className="text-dim">{a.market}</td>
        <td>{a.live ? <span className="border border-fg px-1 text-[0.85em] font-semibold">LIVE</span> : <span className="text-dim">paper only</span>}</td>
        <td className="text-dim">
          {a.authFamily !== undefined ? <span className="mr-1 border border-line-strong px-1 text-fg">{a.authFamily.toUpperCase()}</span> : null}
          {a.credentialHint !== undefined ? shownHint(a.credentialHint) : a.venue === 'sim' ? 'no key needed' : 'no key'}
        </td>
        <td className="text-dim">{fmtDateTime(a.updatedAt, tz)}</td>
        <td>
          <div className="flex gap-1">{children}</div>
        </td>
      </tr>
      {testing || result ? (
        <tr>
          <td colSpan={7} className="bg-bg">
            {testing ? <span className="text-dim">testing the connection…</span> : result ? <TestResult result={result} /> : null}
          </td>
        </tr>
      ) : null}
    </>
  );
}

function TestResult({ result }: { result: AccountTestDto | { error: string } }) {
  if ('error' in result) return <p role="status" className="text-err">Test failed: {result.error}</p>;
  return (
    <div role="status" aria-label="Connection test" className="flex flex-wrap gap-x-8 gap-y-2 py-1">
      <p className={result.ok ? 'text-run' : 'text-err'}>
        {result.ok ? '✓ connected' : '✕ failed'} <span className="text-fg">— {result.message}</span>
        {result.latencyMs !== undefined ? <span className="text-dim"> · {result.latencyMs} ms</span> : null}
      </p>
      <div>
        <span className="text-mute">key may: </span>
        {result.permissions.length === 0 ? <span className="text-dim">(not reported)</span> : result.permissions.map((p) => <span key={p} className="mr-1 border border-line-strong px-1">{p}</span>)}
      </div>
      {result.balances.length > 0 ? (
        <div className="text-dim">
          <span className="text-mute">balances: </span>
          {result.balances.slice(0, 8).map((b) => (
            <span key={b.asset} className="mr-3">
              {b.asset} {dec(b.total, { maxDecimals: 4 })} <span className="text-mute">(free {dec(b.free, { maxDecimals: 4 })})</span>
            </span>
          ))}
        </div>
      ) : null}
    </div>
  );
}

function AccountEditor({ account, onDone }: { account: AccountDto | undefined; onDone: () => void }) {
  const venues = useVenues();
  const list = venues.data && venues.data.length > 0 ? venues.data : FALLBACK_VENUES;
  const save = useSaveAccount(account?.id);
  const [formError, setFormError] = useState<string>();
  const [setIndex, setSetIndex] = useState(0);
  const [kind, setKind] = useState<AccountKind>(() => kindOf(account));
  const paper = kind !== 'venue';
  const form = useForm<AccountForm, unknown, AccountOut>({
    resolver: zodResolver(accountInputSchema),
    mode: 'onTouched',
    defaultValues: account
      ? {
          name: account.name,
          venue: account.venue,
          market: account.market,
          live: account.live,
          credentials: {},
          baseUrls: account.baseUrls && Object.keys(account.baseUrls).length > 0 ? { ...account.baseUrls } : undefined,
          authFamily: account.venue === 'asterdex' ? (account.authFamily ?? 'v3') : undefined,
          ...(account.feed === undefined ? {} : { feed: account.feed }),
        }
      : { name: '', venue: 'asterdex', market: 'perp', live: false, credentials: {}, authFamily: 'v3' },
  });
  const venue = useWatch({ control: form.control, name: 'venue' });
  const authFamily = useWatch({ control: form.control, name: 'authFamily' }) ?? 'v3';
  const info = list.find((v) => v.venue === venue);
  const sets = info?.credentialSets ?? VENUE_CREDENTIALS[venue] ?? [[]];
  // Asterdex: the family chosen decides the fields; other venues with several key types pick a set
  const fields: readonly CredentialField[] = paper ? [] : ((venue === 'asterdex' ? sets.find((set) => familyOfSet(set) === authFamily) : sets[Math.min(setIndex, sets.length - 1)]) ?? []);
  const storedFamily = account?.venue === 'asterdex' ? account.authFamily : undefined;
  // a stored secret can be kept unless an Asterdex account switches to the other family
  const keepsStored = venue !== 'asterdex' || storedFamily === undefined || storedFamily === authFamily;
  const errors = form.formState.errors;
  const feedErrors = (errors as { feed?: { exchange?: { message?: string }; balances?: unknown } }).feed;

  /** A new account's kind: the venue and feed fields follow it. */
  const chooseKind = (next: AccountKind) => {
    setKind(next);
    setSetIndex(0);
    const opts = { shouldValidate: false } as const;
    if (next === 'venue') {
      form.setValue('venue', 'asterdex', opts);
      form.setValue('market', 'perp', opts);
      form.setValue('authFamily', 'v3', opts);
      form.setValue('feed', undefined, opts);
      return;
    }
    form.setValue('venue', 'sim', opts);
    form.setValue('live', false, opts);
    form.setValue('authFamily', undefined, opts);
    form.setValue('credentials', {}, opts);
    if (next === 'paper-sim') {
      form.setValue('market', 'spot', opts);
      form.setValue('feed', undefined, opts);
      form.setValue('baseUrls', undefined, opts);
    } else {
      const balances = form.getValues('feed.balances') ?? DEFAULT_BALANCES;
      form.setValue('market', next === 'paper-ccxt' ? 'spot' : 'perp', opts);
      form.setValue('feed', next === 'paper-ccxt' ? { venue: 'ccxt', exchange: '', balances } : { venue: 'asterdex', balances }, opts);
    }
  };

  const submit = form.handleSubmit(async (input) => {
    setFormError(undefined);
    // only this credential set, only what was typed: an empty secret keeps the stored one
    const credentials: Record<string, string> = {};
    for (const f of fields) {
      const v = input.credentials[f.name]?.trim();
      if (v) credentials[f.name] = v;
    }
    const { authFamily: chosen, feed, ...rest } = input;
    try {
      await save.mutateAsync({ ...rest, credentials, ...(input.venue === 'asterdex' ? { authFamily: chosen ?? 'v3' } : {}), ...(feed === undefined || account !== undefined ? {} : { feed }) });
      onDone();
    } catch (e) {
      if (e instanceof ApiError) for (const f of e.fields) form.setError(f.path as 'name', { type: 'server', message: f.message });
      setFormError(errorMessage(e));
    }
  });

  return (
    <Panel title={account ? `Edit account ${account.name}` : 'Add account'} id="account-editor">
      <form onSubmit={submit} noValidate className="flex max-w-3xl flex-col gap-4" aria-label={account ? `Edit account ${account.name}` : 'Add account'}>
        <fieldset className="min-w-0">
          <legend className="mb-0.5 text-[0.9em] text-dim">Account type</legend>
          <div role="radiogroup" aria-label="Account type" className="flex flex-col gap-1">
            {ACCOUNT_KINDS.map((k) => (
              <label key={k.kind} className={`flex items-center gap-1.5 ${account !== undefined && k.kind !== kind ? 'text-mute' : 'text-fg'}`}>
                <input type="radio" name="account-kind" className="accent-white" value={k.kind} checked={kind === k.kind} disabled={account !== undefined} onChange={() => chooseKind(k.kind)} />
                {k.label}
              </label>
            ))}
          </div>
          <p className="mt-0.5 text-[0.85em] leading-snug text-mute">
            {ACCOUNT_KINDS.find((k) => k.kind === kind)?.help}
            {account !== undefined ? ' The type of an account is fixed; add another account to change it.' : ''}
          </p>
        </fieldset>
        <div className="grid grid-cols-1 gap-x-4 gap-y-3 sm:grid-cols-3">
          <Field label="Account name" error={errors.name?.message}>
            <input autoComplete="off" {...form.register('name')} />
          </Field>
          {kind === 'venue' ? (
            <Field label="Venue" error={errors.venue?.message} help={info?.status || undefined}>
              <select
                {...form.register('venue', {
                  onChange: (e: { target: { value: string } }) => {
                    setSetIndex(0);
                    form.setValue('authFamily', e.target.value === 'asterdex' ? 'v3' : undefined);
                  },
                })}
              >
                {list.filter((v) => v.venue !== 'sim').map((v) => (
                  <option key={v.venue} value={v.venue}>
                    {v.label}
                  </option>
                ))}
              </select>
            </Field>
          ) : null}
          {kind === 'paper-ccxt' ? (
            <Field label="ccxt exchange" error={feedErrors?.exchange?.message} help={describeField(accountFeedSchema, 'exchange')}>
              <input autoComplete="off" spellCheck={false} placeholder="binance" readOnly={account !== undefined} {...form.register('feed.exchange')} />
            </Field>
          ) : null}
          {kind !== 'paper-sim' && !(account !== undefined && paper) ? (
            <Field label="Market" error={errors.market?.message}>
              <select {...form.register('market')}>
                {(kind === 'paper-asterdex' ? ['perp', 'spot'] : kind === 'paper-ccxt' ? ['spot'] : (info?.markets ?? ['spot', 'perp'])).map((m) => (
                  <option key={m} value={m}>
                    {m}
                  </option>
                ))}
              </select>
            </Field>
          ) : null}
        </div>
        {kind === 'paper-asterdex' || kind === 'paper-ccxt' ? (
          <Controller
            control={form.control}
            name="feed.balances"
            render={({ field, fieldState }) => (
              <StartingBalances value={field.value} onChange={field.onChange} readOnly={account !== undefined} error={fieldState.error?.message ?? firstNested(fieldState.error ?? feedErrors?.balances)} />
            )}
          />
        ) : null}
        {paper ? (
          <p className="text-[0.9em] text-dim">
            {account?.feed !== undefined ? `Market data: ${feedName(account)}, public streams. ` : ''}
            Paper only: bots on this account run in paper mode, need no key and send no order to any venue.
            {kind === 'paper-sim' ? '' : ' Simulated: your fills (through the queue model), fees, balances and positions. Real: the venue’s order book and trades. Not simulated: funding payments and your own effect on the venue’s book.'}
          </p>
        ) : (
          <Field label="Allow live trading" inline help={describeField(accountInputSchema, 'live')} error={errors.live?.message}>
            <input type="checkbox" className="accent-white" {...form.register('live')} />
          </Field>
        )}
        {!paper && venue === 'asterdex' ? (
          <fieldset className="min-w-0">
            <legend className="mb-0.5 text-[0.9em] text-dim">API family</legend>
            <div role="radiogroup" aria-label="API family" className="flex flex-col gap-1 sm:flex-row sm:gap-6">
              {AUTH_FAMILIES.map((f) => (
                <label key={f.family} className="flex items-center gap-1.5 text-fg">
                  <input type="radio" value={f.family} className="accent-white" {...form.register('authFamily')} />
                  {f.label}
                </label>
              ))}
            </div>
            <p className="mt-0.5 text-[0.85em] leading-snug text-mute">
              {AUTH_FAMILIES.find((f) => f.family === authFamily)?.help}
              {storedFamily !== undefined && storedFamily !== authFamily ? ` Switching from ${storedFamily.toUpperCase()} replaces the stored key: enter the ${authFamily.toUpperCase()} credentials in full.` : ''}
            </p>
            {errors.authFamily?.message ? (
              <p role="alert" className="mt-0.5 text-[0.9em] text-err">
                {errors.authFamily.message}
              </p>
            ) : null}
          </fieldset>
        ) : !paper && sets.length > 1 ? (
          <div role="radiogroup" aria-label="Key type" className="flex gap-2">
            {sets.map((set, i) => (
              <label key={i} className="flex items-center gap-1 text-dim">
                <input type="radio" name="credential-set" className="accent-white" checked={i === setIndex} onChange={() => setSetIndex(i)} />
                {credentialSetLabel(sets, set) || `key set ${i + 1}`}
              </label>
            ))}
          </div>
        ) : null}
        {!paper && fields.length === 0 ? <p className="text-dim">The simulated exchange needs no credentials.</p> : null}
        {fields.length > 0 ? (
          <div className="grid grid-cols-1 gap-x-4 gap-y-3 sm:grid-cols-2">
            {fields.map((f) => (
              <Field key={`${venue}-${f.name}`} label={f.label} help={f.help + (account && f.secret && keepsStored ? ' Leave empty to keep the stored value.' : '')} error={(errors.credentials as Record<string, { message?: string }> | undefined)?.[f.name]?.message}>
                <input
                  type={f.secret ? 'password' : 'text'}
                  autoComplete={f.secret ? 'new-password' : 'off'}
                  spellCheck={false}
                  placeholder={account && f.secret && keepsStored ? `stored ${account.credentialHint !== undefined ? shownHint(account.credentialHint) : '••••'}` : undefined}
                  {...form.register(`credentials.${f.name}`)}
                />
              </Field>
            ))}
          </div>
        ) : null}
        {typeof errors.credentials?.message === 'string' ? (
          <p role="alert" className="text-err">
            {errors.credentials.message}
          </p>
        ) : null}
        {kind !== 'paper-sim' ? (
          <Controller
            control={form.control}
            name="baseUrls"
            render={({ field, fieldState }) => (
              <BaseUrls venue={kind === 'paper-ccxt' ? 'ccxt' : kind === 'paper-asterdex' ? 'asterdex' : venue} value={field.value} onChange={field.onChange} error={fieldState.error?.message ?? firstNested(fieldState.error)} />
            )}
          />
        ) : null}
        <FormError>{formError}</FormError>
        <div className="flex gap-2">
          <Button type="submit" variant="primary" disabled={save.isPending}>
            {account ? 'Save account' : 'Add account'}
          </Button>
          <Button variant="ghost" onClick={onDone}>
            Cancel
          </Button>
        </div>
      </form>
    </Panel>
  );
}

/** A live-data paper account's starting balances as "ASSET=amount" entries (read-only once created). */
function StartingBalances({ value, onChange, readOnly, error }: { value: AccountFeed['balances'] | undefined; onChange: (v: Record<string, string>) => void; readOnly: boolean; error: string | undefined }) {
  const [text, setText] = useState(() =>
    Object.entries(value ?? DEFAULT_BALANCES)
      .map(([k, v]) => `${k}=${v}`)
      .join(', '),
  );
  return (
    <Field
      label="Starting balances"
      help={readOnly ? 'What the account started with; it now holds what its trades made of it.' : 'Per asset, as ASSET=amount separated by commas, e.g. USDT=10000, BTC=0.2 (a spot bot needs some of the base asset to quote its asks). Used once, when the account first trades.'}
      error={error}
    >
      <input
        autoComplete="off"
        spellCheck={false}
        readOnly={readOnly}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          const entries = e.target.value
            .split(/[,\n]/)
            .map((part) => part.trim())
            .filter(Boolean)
            .map((part) => {
              const i = part.indexOf('=');
              return i < 0 ? [part, ''] : [part.slice(0, i).trim().toUpperCase(), part.slice(i + 1).trim()];
            });
          onChange(Object.fromEntries(entries));
        }}
      />
    </Field>
  );
}

/**
 * What tells one credential set from the others: its required non-secret fields, less those
 * every set has (ccxt's exchange id); a set of secrets only is named by them.
 */
function credentialSetLabel(sets: readonly (readonly CredentialField[])[], set: readonly CredentialField[]): string {
  const distinct = set.filter((f) => f.optional !== true && !sets.every((other) => other.some((o) => o.name === f.name)));
  const shown = distinct.some((f) => !f.secret) ? distinct.filter((f) => !f.secret) : distinct;
  return shown.map((f) => f.label).join(' + ');
}

function firstNested(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  for (const [k, v] of Object.entries(error)) {
    if (k === 'ref') continue;
    const m = (v as { message?: unknown } | undefined)?.message;
    if (typeof m === 'string') return `${k}: ${m}`;
  }
  return undefined;
}

/** Optional endpoint overrides as "name=url" lines (testnets, a local mock, a proxy). */
function BaseUrls({ venue, value, onChange, error }: { venue: VenueName; value: Record<string, string> | undefined; onChange: (v: Record<string, string> | undefined) => void; error: string | undefined }) {
  const [text, setText] = useState(() =>
    Object.entries(value ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  );
  return (
    <Field
      label="Base URL overrides"
      help={
        venue === 'ccxt'
          ? "Optional, one per line as name=url: entries of ccxt's urls.api for the venue, nested keys joined with dots (e.g. api=https://… or ws.public.spot=wss://…). Empty: the venue's public endpoints."
          : "Optional, one per line as name=url (e.g. rest=https://… or ws=wss://…) for a testnet or a proxy. Empty: the venue's public endpoints."
      }
      error={error}
    >
      <textarea
        rows={2}
        spellCheck={false}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          const entries = e.target.value
            .split('\n')
            .map((l) => l.trim())
            .filter(Boolean)
            .map((l) => {
              const i = l.indexOf('=');
              return i < 0 ? [l, ''] : [l.slice(0, i).trim(), l.slice(i + 1).trim()];
            });
          onChange(entries.length === 0 ? undefined : Object.fromEntries(entries));
        }}
      />
    </Field>
  );
}
