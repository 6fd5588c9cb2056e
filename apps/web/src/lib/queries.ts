// Server state: query keys, fetchers and the cache updates shared by queries, mutations and the
// WebSocket. Everything the dashboard shows comes through here.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import type {
  AccountDto,
  AccountInput,
  AccountTestDto,
  AuditDto,
  BookDto,
  BotAction,
  BotActionInput,
  BotConfigInput,
  BotDetailDto,
  BotLeaseDto,
  BotSummaryDto,
  ConfigVersionDto,
  EventDto,
  FillDto,
  HealthDto,
  InstrumentDto,
  LedgerOverviewDto,
  MarketSnapshotDto,
  OrderDto,
  Page,
  RiskEventDto,
  RiskTripDto,
  RuleStatusDto,
  RunnerDto,
  SessionDto,
  StatsPointDto,
  VenueInfoDto,
  VolumeDayDto,
} from '@mm/core';
import { ApiError, api } from './api.ts';
import type { SettingsDto } from '@mm/core';
import { liveConnected } from './live-status.ts';
import { useStore } from './store.ts';

export const keys = {
  setup: ['setup'] as const,
  me: ['me'] as const,
  health: ['health'] as const,
  bots: ['bots'] as const,
  bot: (id: string) => ['bot', id] as const,
  openOrders: (id: string) => ['orders', id, 'open'] as const,
  fills: (id: string, f: FillFilters) => ['fills', id, f] as const,
  fillsAll: (id: string) => ['fills', id] as const,
  events: (scope: string, f: EventFilters) => ['events', scope, f] as const,
  eventsAll: (scope: string) => ['events', scope] as const,
  risk: (id: string) => ['risk', id] as const,
  volume: (id: string) => ['volume', id] as const,
  stats: (id: string) => ['stats', id] as const,
  ledger: ['ledger'] as const,
  book: (id: string) => ['book', id] as const,
  versions: (id: string) => ['config-versions', id] as const,
  accounts: ['accounts'] as const,
  venues: ['venues'] as const,
  instruments: (accountId: string) => ['instruments', accountId] as const,
  market: (accountId: string, symbol: string) => ['market', accountId, symbol] as const,
  settings: ['settings'] as const,
  audit: ['audit'] as const,
  runners: ['runners'] as const,
  lease: (id: string) => ['lease', id] as const,
};

export type FillFilters = {
  readonly side?: string;
  readonly tag?: string;
  readonly from?: number;
  readonly to?: number;
};

export type EventFilters = {
  readonly level?: string;
  readonly q?: string;
  readonly botId?: string;
};

export interface RiskDto {
  readonly statuses: readonly RuleStatusDto[];
  readonly trips: readonly RiskTripDto[];
  readonly events: Page<RiskEventDto>;
}

/** Poll only while the live stream is down; the WebSocket keeps the cache fresh otherwise. */
function usePollWhenStale(ms: number): number | false {
  const live = useStore(liveConnected);
  return live ? false : ms;
}

// ---------------------------------------------------------------- auth

export function useSetupState() {
  return useQuery({ queryKey: keys.setup, queryFn: () => api.get<{ needsSetup: boolean }>('/api/setup'), staleTime: Infinity, retry: 1 });
}

export function useMe(enabled: boolean) {
  return useQuery({
    queryKey: keys.me,
    enabled,
    staleTime: 60_000,
    retry: false,
    queryFn: async () => {
      try {
        return await api.get<SessionDto>('/api/auth/me');
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
  });
}

export function useHealth() {
  return useQuery({ queryKey: keys.health, queryFn: () => api.get<HealthDto>('/api/health'), refetchInterval: 15_000 });
}

// ---------------------------------------------------------------- bots

export function useBots() {
  const poll = usePollWhenStale(5_000);
  return useQuery({ queryKey: keys.bots, queryFn: () => api.get<BotSummaryDto[]>('/api/bots'), refetchInterval: poll });
}

const fetchBot = (id: string) => api.get<BotDetailDto>(`/api/bots/${encodeURIComponent(id)}`);

export function useBot(id: string) {
  const poll = usePollWhenStale(5_000);
  return useQuery({ queryKey: keys.bot(id), queryFn: () => fetchBot(id), refetchInterval: poll });
}

export function useOpenOrders(id: string) {
  const poll = usePollWhenStale(5_000);
  return useQuery({
    queryKey: keys.openOrders(id),
    queryFn: () => api.get<Page<OrderDto>>(`/api/bots/${encodeURIComponent(id)}/orders`, { status: 'open', limit: 200 }),
    refetchInterval: poll,
  });
}

export function useBook(id: string) {
  const poll = usePollWhenStale(3_000);
  return useQuery({ queryKey: keys.book(id), queryFn: () => api.get<BookDto>(`/api/bots/${encodeURIComponent(id)}/book`), refetchInterval: poll });
}

export function useRisk(id: string) {
  return useQuery({ queryKey: keys.risk(id), queryFn: () => api.get<RiskDto>(`/api/bots/${encodeURIComponent(id)}/risk`), refetchInterval: 10_000 });
}

export function useVolume(id: string) {
  return useQuery({ queryKey: keys.volume(id), queryFn: () => api.get<VolumeDayDto>(`/api/bots/${encodeURIComponent(id)}/volume`), refetchInterval: 15_000 });
}

export function useStatsHistory(id: string) {
  return useQuery({
    queryKey: keys.stats(id),
    queryFn: () => api.get<StatsPointDto[]>(`/api/bots/${encodeURIComponent(id)}/stats`, { from: Date.now() - 24 * 3_600_000 }),
    refetchInterval: 60_000,
  });
}

/** Σ bots + unattributed per account against the venue, and totals per quote asset; polled (not streamed). */
export function useLedger() {
  return useQuery({ queryKey: keys.ledger, queryFn: () => api.get<LedgerOverviewDto>('/api/ledger'), refetchInterval: 3_000 });
}

export function useConfigVersions(id: string | undefined) {
  return useQuery({
    queryKey: keys.versions(id ?? ''),
    enabled: id !== undefined,
    queryFn: () => api.get<ConfigVersionDto[]>(`/api/bots/${encodeURIComponent(id!)}/config-versions`),
  });
}

const PAGE = 50;

export function useFills(id: string, filters: FillFilters) {
  return useInfiniteQuery({
    queryKey: keys.fills(id, filters),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => api.get<Page<FillDto>>(`/api/bots/${encodeURIComponent(id)}/fills`, { ...filters, limit: PAGE, cursor: pageParam }),
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useEvents(scope: string | undefined, filters: EventFilters) {
  const path = scope === undefined ? '/api/events' : `/api/bots/${encodeURIComponent(scope)}/events`;
  return useInfiniteQuery({
    queryKey: keys.events(scope ?? 'all', filters),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => api.get<Page<EventDto>>(path, { ...filters, limit: PAGE, cursor: pageParam }),
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useAudit() {
  return useInfiniteQuery({
    queryKey: keys.audit,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => api.get<Page<AuditDto>>('/api/audit', { limit: PAGE, cursor: pageParam }),
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** Puts a bot summary into the list and the detail caches. */
export function storeSummary(qc: QueryClient, bot: BotSummaryDto): void {
  qc.setQueryData<BotSummaryDto[]>(keys.bots, (list) => {
    if (!list) return list;
    const i = list.findIndex((b) => b.id === bot.id);
    if (i < 0) return [...list, bot];
    const next = list.slice();
    next[i] = bot;
    return next;
  });
  // the summary's own fields come from it alone: one the server leaves out when empty (a released
  // lease, a cleared error, no stats yet) must not survive from the older detail
  qc.setQueryData<BotDetailDto>(keys.bot(bot.id), (detail) =>
    detail ? { ...bot, config: detail.config, configVersion: detail.configVersion, risk: detail.risk, activeTrips: detail.activeTrips, instrument: detail.instrument } : detail,
  );
}

/**
 * A bot changed state: its detail (instrument, risk), its log and the health summary move too.
 * The server writes its event log in batches, so look again once they have landed.
 */
export function lifecycleChanged(qc: QueryClient, botId: string): void {
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: keys.bot(botId) });
    void qc.invalidateQueries({ queryKey: keys.eventsAll(botId) });
    void qc.invalidateQueries({ queryKey: keys.eventsAll('all') });
    void qc.invalidateQueries({ queryKey: keys.risk(botId) });
    void qc.invalidateQueries({ queryKey: keys.health });
  };
  refresh();
  setTimeout(refresh, 1_500);
  setTimeout(refresh, 4_000);
}

/** One bot's action; `body` carries its input where it takes one (stop or close-position: closePosition). */
export function useBotAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action, body }: { id: string; action: BotAction; body?: BotActionInput }) =>
      api.post<BotSummaryDto>(`/api/bots/${encodeURIComponent(id)}/actions/${action}`, body),
    onSuccess: (bot, { id, action }) => {
      storeSummary(qc, bot);
      lifecycleChanged(qc, id);
      if (action === 'cancel-all' || action === 'kill' || action === 'stop' || action === 'close-position') void qc.invalidateQueries({ queryKey: keys.openOrders(id) });
      if (action === 'reset-halt') void qc.invalidateQueries({ queryKey: keys.risk(id) });
    },
  });
}

export interface BulkResult {
  readonly id: string;
  readonly ok: boolean;
  readonly message?: string;
}

export function useAllBotsAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (action: BotAction) => api.post<BulkResult[]>(`/api/bots/actions/${action}`),
    onSuccess: (results) => {
      void qc.invalidateQueries({ queryKey: keys.bots });
      void qc.invalidateQueries({ queryKey: ['orders'] });
      for (const r of results) lifecycleChanged(qc, r.id);
    },
  });
}

export function useSaveBot(id: string | undefined) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (config: BotConfigInput) =>
      id === undefined ? api.post<BotDetailDto>('/api/bots', config) : api.put<BotDetailDto>(`/api/bots/${encodeURIComponent(id)}`, config),
    onSuccess: (bot) => {
      qc.setQueryData(keys.bot(bot.id), bot);
      storeSummary(qc, bot);
      void qc.invalidateQueries({ queryKey: keys.versions(bot.id) });
    },
  });
}

export function useDeleteBot() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.del<unknown>(`/api/bots/${encodeURIComponent(id)}`),
    onSuccess: (_r, id) => {
      qc.setQueryData<BotSummaryDto[]>(keys.bots, (list) => list?.filter((b) => b.id !== id));
      qc.removeQueries({ queryKey: keys.bot(id) });
      void qc.invalidateQueries({ queryKey: keys.ledger });
    },
  });
}

// ---------------------------------------------------------------- runner fleet

/** The runner processes, alive first; polled (a heartbeat is a database write, not a pushed event). */
export function useRunners() {
  return useQuery({ queryKey: keys.runners, queryFn: () => api.get<RunnerDto[]>('/api/runners'), refetchInterval: 2_000 });
}

/** A bot's lease as of `at` (the moment it was fetched), so its ages can be carried forward between polls. */
export interface LeaseSnapshot {
  readonly lease: BotLeaseDto | undefined;
  readonly at: number;
}

/**
 * The bot page's lease line, polled every 2 s under its own key: the live stream rewrites the
 * bot's cached detail many times a second, so the detail's update time says nothing about how
 * old its lease figures are (and each rewrite would restart a refetch interval on that key).
 * The poll goes through the bot's own detail query, so that it is the one request stream and
 * keeps the detail fresh too; a fetch of it already under way is joined, not repeated.
 */
export function useBotLease(id: string) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: keys.lease(id),
    queryFn: async (): Promise<LeaseSnapshot> => {
      const bot = await qc.fetchQuery({ queryKey: keys.bot(id), queryFn: () => fetchBot(id), staleTime: 0 });
      return { lease: bot.lease, at: Date.now() };
    },
    refetchInterval: 2_000,
  });
}

// ---------------------------------------------------------------- accounts, venues, market

export function useAccounts() {
  return useQuery({ queryKey: keys.accounts, queryFn: () => api.get<AccountDto[]>('/api/accounts'), staleTime: 30_000 });
}

export function useVenues() {
  return useQuery({ queryKey: keys.venues, queryFn: () => api.get<VenueInfoDto[]>('/api/venues'), staleTime: Infinity });
}

export function useInstruments(accountId: string | undefined) {
  return useQuery({
    queryKey: keys.instruments(accountId ?? ''),
    enabled: !!accountId,
    staleTime: 300_000,
    retry: false,
    queryFn: () => api.get<InstrumentDto[]>(`/api/accounts/${encodeURIComponent(accountId!)}/instruments`),
  });
}

export function useMarket(accountId: string | undefined, symbol: string | undefined) {
  return useQuery({
    queryKey: keys.market(accountId ?? '', symbol ?? ''),
    enabled: !!accountId && !!symbol,
    retry: false,
    refetchInterval: 5_000,
    queryFn: () => api.get<MarketSnapshotDto>('/api/market', { accountId, symbol }),
  });
}

export function useSaveAccount(id: string | undefined) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: AccountInput) =>
      id === undefined ? api.post<AccountDto>('/api/accounts', input) : api.put<AccountDto>(`/api/accounts/${encodeURIComponent(id)}`, input),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.accounts }),
  });
}

export function useDeleteAccount() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.del<unknown>(`/api/accounts/${encodeURIComponent(id)}`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.accounts }),
  });
}

export function useTestAccount() {
  return useMutation({ mutationFn: (id: string) => api.post<AccountTestDto>(`/api/accounts/${encodeURIComponent(id)}/test`) });
}

// ---------------------------------------------------------------- settings

export function useSettings() {
  return useQuery({ queryKey: keys.settings, queryFn: () => api.get<SettingsDto>('/api/settings'), staleTime: 60_000 });
}

export function useSaveSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: unknown) => api.put<SettingsDto>('/api/settings', input),
    onSuccess: (s) => qc.setQueryData(keys.settings, s),
  });
}

// ---------------------------------------------------------------- live cache edits

/** Puts newer items in front of the first page, skipping ones already there (same key). */
export function prependToPages<T>(data: InfiniteData<Page<T>> | undefined, items: readonly T[], keyOf: (item: T) => string, max = 500): InfiniteData<Page<T>> | undefined {
  if (!data || data.pages.length === 0 || items.length === 0) return data;
  const [first, ...rest] = data.pages;
  const seen = new Set(first!.items.map(keyOf));
  const fresh = items.filter((i) => !seen.has(keyOf(i)));
  if (fresh.length === 0) return data;
  const merged = [...fresh, ...first!.items].slice(0, max);
  return { ...data, pages: [{ ...first!, items: merged, total: first!.total + fresh.length }, ...rest] };
}
