// The ledger as the API serves it: every bot's figures (its stored fills folded, valued at the
// mark its runner last reported while it runs, at the last stored mark when it does not), and per account the check that the bots plus the
// activity nobody's bot caused explain the account's own change since its baseline.
import { CashFlows, fx, holdingsChange, ledgerDto } from '@mm/core';
import type { AccountLedgerDto, BotLedger, BotStatsDto, Fixed, LedgerOverviewDto, LedgerSpec } from '@mm/core';
import type { AccountHoldingsJson, BotRecord, Storage } from '@mm/storage';
import { statsDto } from '../bots/dto.ts';
import { LedgerTotals } from './totals.ts';
import { accountHoldings } from '@mm/runner';
import type { AccountHoldings, FleetView, LiveBotView, VenueRegistry } from '@mm/runner';

/** A stopped bot's ledger is read from storage at most this often. */
const STORED_TTL_MS = 5_000;
/** A running bot's: its fills arrive all the time (a new fill event also drops the cache). */
const LIVE_TTL_MS = 1_000;
/** |difference| at or below this (in quote) is rounding, not a missing fill. */
const TOLERANCE = fx.parse('0.00000001');

interface StoredView {
  readonly at: number;
  readonly stats: BotStatsDto;
  readonly ledger: BotLedger;
  readonly mark: Fixed | undefined;
}

const four = (v: string) => fx.format(fx.parse(v), { decimals: 4 });
const f8 = (v: Fixed) => fx.format(v, { decimals: 8 });

const ACTIVE = new Set(['SYNC_BALANCES', 'START_QUOTING', 'RUNNING', 'PAUSED', 'ERROR', 'STOPPING']);

export class LedgerService {
  private readonly stored = new Map<string, StoredView>();
  private readonly live = new Map<string, { readonly at: number; readonly ledger: BotLedger }>();

  constructor(
    private readonly storage: Storage,
    private readonly fleet: FleetView,
    private readonly registry: VenueRegistry,
  ) {
    fleet.events.on('fill', (e) => this.live.delete(e.botId));
  }

  /** Stats of a bot: its runner's while it runs, else rebuilt from storage. */
  async stats(record: BotRecord): Promise<BotStatsDto | undefined> {
    const bot = this.running(record.id);
    if (bot !== undefined) return statsDto(bot.stats());
    return (await this.storedView(record))?.stats;
  }

  /** The bot's ledger and the mark it is valued at, wherever it lives. */
  async ledgerOf(record: BotRecord): Promise<{ ledger: BotLedger; mark: Fixed | undefined } | undefined> {
    const bot = this.running(record.id);
    if (bot !== undefined) {
      const ledger = await this.liveLedger(record.id);
      if (ledger !== undefined) return { ledger, mark: bot.referencePrice };
    }
    const view = await this.storedView(record);
    return view === undefined ? undefined : { ledger: view.ledger, mark: view.mark };
  }

  /** The bot's live view while a runner runs it; a stopped bot is read from storage. */
  private running(botId: string): LiveBotView | undefined {
    const bot = this.fleet.has(botId) ? this.fleet.get(botId) : undefined;
    return bot !== undefined && bot.instrument !== undefined && ACTIVE.has(bot.state) ? bot : undefined;
  }

  /** A running bot's ledger: its stored fills, folded (the runner's journal writes them within a moment). */
  private async liveLedger(botId: string): Promise<BotLedger | undefined> {
    const cached = this.live.get(botId);
    if (cached !== undefined && Date.now() - cached.at < LIVE_TTL_MS) return cached.ledger;
    const ledger = await this.storage.ledger.loadStored(botId);
    if (ledger === undefined) return undefined;
    this.live.set(botId, { at: Date.now(), ledger });
    return ledger;
  }

  /** Forget a bot's cached views (after it was started, stopped or deleted). */
  invalidate(botId: string): void {
    this.stored.delete(botId);
    this.live.delete(botId);
  }

  async overview(records: readonly BotRecord[]): Promise<LedgerOverviewDto> {
    await this.storage.journal.flush();
    const byAccount = new Map<string, BotRecord[]>();
    for (const r of records) byAccount.set(r.accountId, [...(byAccount.get(r.accountId) ?? []), r]);
    const accounts: AccountLedgerDto[] = [];
    const totals = new LedgerTotals();
    const now = Date.now();
    for (const [accountId, list] of byAccount) {
      const views = new Map<string, { ledger: BotLedger; mark: Fixed | undefined }>();
      for (const r of list) {
        const v = await this.ledgerOf(r);
        if (v === undefined) continue;
        views.set(r.id, v);
        totals.addBot(v.ledger.spec.quote, v.ledger.figures(v.mark, now));
      }
      const account = await this.reconcile(accountId, list, views);
      accounts.push(account);
      if (account.quoteAsset !== '') totals.addUnattributed(account.quoteAsset, fx.parse(account.unattributed.change));
    }
    return {
      accounts,
      totals: totals.dto(),
    };
  }

  /** One CSV row per trading day of the bot's ledger (its own fills only). */
  async daysCsv(record: BotRecord): Promise<string> {
    const v = await this.ledgerOf(record);
    const head = 'day_start_utc,trades,maker,taker,volume_leg,buy_qty,sell_qty,fees,realized,funding,open_net';
    if (v === undefined) return `${head}\n`;
    const rows = v.ledger.dayList().map((d) =>
      [new Date(d.dayStart).toISOString(), d.trades, ...[d.maker, d.taker, d.volumeLeg, d.buyQty, d.sellQty, d.fees, d.realized, d.funding, d.openNet].map((x) => fx.format(x))].join(','),
    );
    return `${[head, ...rows].join('\n')}\n`;
  }

  // ---------------------------------------------------------------- internals

  private async storedView(record: BotRecord): Promise<StoredView | undefined> {
    const cached = this.stored.get(record.id);
    if (cached !== undefined && Date.now() - cached.at < STORED_TTL_MS) return cached;
    const ledger = await this.storage.ledger.loadStored(record.id);
    if (ledger === undefined) return undefined; // never synced: nothing traded, nothing to show
    const last = await this.storage.ledger.lastMark(record.id);
    const latest = await this.storage.stats.latest(record.id);
    const mark = last?.mark;
    const now = Date.now();
    const dto = ledgerDto(ledger, mark, now);
    const cfg = record.config;
    const target = cfg.volume.enabled ? cfg.volume.dailyTargetQuote : '0';
    const traded = fx.parse(dto.today.total);
    const stats: BotStatsDto = {
      at: last?.at ?? now,
      reference: mark === undefined ? undefined : fx.format(mark),
      bestBid: undefined,
      bestAsk: undefined,
      base: dto.position,
      quote: latest?.quote ?? '0',
      equity: latest?.equity,
      pnl: { realized: four(dto.realized), unrealized: four(dto.unrealized), fees: four(dto.fees), net: four(dto.net), today: dto.today.net === undefined ? undefined : four(dto.today.net) },
      // the same precision as a running bot's stats (the ledger block keeps every digit)
      volume: {
        maker: fx.format(fx.parse(dto.today.maker), { decimals: 2 }),
        taker: fx.format(fx.parse(dto.today.taker), { decimals: 2 }),
        total: fx.format(traded, { decimals: 2 }),
        volumeLeg: fx.format(fx.parse(dto.today.volumeLeg), { decimals: 2 }),
        target,
        expected: '0',
        progressPct: fx.parse(target) > 0n ? Math.round(fx.toNumber(fx.div(traded * 100n, fx.parse(target))) * 100) / 100 : 0,
      },
      openOrders: 0,
      position: undefined,
      ledger: dto,
      live: false,
    };
    const view = { at: now, stats, ledger, mark };
    this.stored.set(record.id, view);
    return view;
  }

  private async holdings(accountId: string): Promise<AccountHoldings> {
    return accountHoldings(await this.registry.forAccount(accountId));
  }

  private async reconcile(accountId: string, records: readonly BotRecord[], views: ReadonlyMap<string, { ledger: BotLedger; mark: Fixed | undefined }>): Promise<AccountLedgerDto> {
    const account = await this.storage.accounts.get(accountId);
    const name = account?.name ?? accountId;
    const specs = new Map<string, { spec: LedgerSpec; symbol: string }>();
    for (const r of records) {
      const v = views.get(r.id);
      if (v !== undefined) specs.set(r.id, { spec: v.ledger.spec, symbol: r.symbol });
    }
    const quote = [...specs.values()][0]?.spec.quote ?? '';
    const baseline = await this.storage.ledger.baseline(accountId);
    const empty = { fills: 0, volume: '0', trades: '0', funding: '0', transfers: '0', change: '0' };
    if (baseline === undefined || quote === '') {
      return {
        accountId,
        accountName: name,
        quoteAsset: quote,
        since: baseline?.at,
        bots: [],
        marks: {},
        unattributed: empty,
        explained: '0',
        accountChange: undefined,
        difference: undefined,
        unvalued: {},
        status: 'unknown',
        message: baseline === undefined ? 'no baseline yet: it is taken when a bot first starts on this account' : 'no bot on this account has traded yet',
      };
    }
    // one mark per symbol (and its base asset) for the whole check: a running bot's reference
    // wins over a stopped bot's last stored one
    const marks = new Map<string, Fixed>();
    const assetMarks = new Map<string, Fixed>();
    for (const live of [false, true]) {
      for (const r of records) {
        const v = views.get(r.id);
        if (v?.mark === undefined || (this.running(r.id) !== undefined) !== live) continue;
        marks.set(r.symbol, v.mark);
        assetMarks.set(v.ledger.spec.base, v.mark);
      }
    }
    const fills = await this.storage.ledger.fillSumsSince(baseline, records.map((r) => r.id));
    const flows = await this.storage.ledger.flowSumsSince(baseline);
    const perBot = new Map<string | undefined, Map<string, CashFlows>>();
    const flowsOf = (botId: string | undefined, symbol: string, spec: LedgerSpec) => {
      let bySymbol = perBot.get(botId);
      if (bySymbol === undefined) perBot.set(botId, (bySymbol = new Map()));
      let cf = bySymbol.get(symbol);
      if (cf === undefined) bySymbol.set(symbol, (cf = new CashFlows(spec)));
      return cf;
    };
    const unvalued = new Map<string, Fixed>();
    let unattributedTrades = 0;
    let unattributedVolume = 0n;
    let holdingsInfo: AccountHoldings | undefined;
    try {
      holdingsInfo = await this.holdings(accountId);
    } catch {
      holdingsInfo = undefined;
    }
    for (const s of fills) {
      const known = s.botId === undefined ? undefined : specs.get(s.botId);
      const base = known?.spec.base ?? holdingsInfo?.instruments.get(s.symbol)?.base ?? s.symbol;
      const spec: LedgerSpec = known?.spec ?? { base, quote, timeZone: 'UTC' };
      const cf = flowsOf(s.botId, s.symbol, spec);
      cf.addFill({ side: s.side, qty: s.baseQty, price: 0n, notional: s.notional, fee: s.fee, feeAsset: s.feeAsset, liquidity: 'maker', tag: 'mm', venueTime: 0 });
      if (s.botId === undefined) {
        unattributedTrades += s.trades;
        unattributedVolume += s.notional;
        if (!marks.has(s.symbol)) unvalued.set(base, (unvalued.get(base) ?? 0n) + (s.side === 'buy' ? s.baseQty : -s.baseQty));
      }
    }
    let unattributedFunding = 0n;
    let transfers = 0n;
    for (const f of flows) {
      if (f.kind === 'transfer') transfers += f.asset === quote ? f.amount : 0n;
      else if (f.botId === undefined) unattributedFunding += f.amount;
      else {
        const known = specs.get(f.botId);
        if (known !== undefined) flowsOf(f.botId, known.symbol, known.spec).addCashFlow({ kind: 'funding', amount: f.amount, venueTime: 0 });
      }
    }
    const valueOf = (bySymbol: Map<string, CashFlows> | undefined) => {
      let v = 0n;
      for (const [symbol, cf] of bySymbol ?? []) v += cf.valueAt(marks.get(symbol) ?? 0n);
      return v;
    };
    const bots = records.map((r) => ({ botId: r.id, name: r.name, symbol: r.symbol, change: f8(valueOf(perBot.get(r.id))) }));
    const unattributedChange = valueOf(perBot.get(undefined)) + unattributedFunding + transfers;
    const explained = bots.reduce((sum, b) => sum + fx.parse(b.change), 0n) + unattributedChange;

    let accountChange: Fixed | undefined;
    if (holdingsInfo !== undefined) {
      const toHoldings = (h: AccountHoldingsJson) => ({
        balances: new Map(Object.entries(h.balances).map(([k, v]) => [k, fx.parse(v)])),
        positions: new Map(Object.entries(h.positions).map(([k, v]) => [k, { qty: fx.parse(v.qty), entryPrice: fx.parse(v.entryPrice) }])),
      });
      const perp = Object.keys(holdingsInfo.positions).length > 0 || Object.keys(baseline.holdings.positions).length > 0;
      const valued = holdingsChange(toHoldings(baseline.holdings), toHoldings(holdingsInfo), quote, assetMarks, perp ? marks : new Map());
      accountChange = valued.change;
      for (const [asset, v] of valued.unvalued) unvalued.set(asset, v);
    }
    const difference = accountChange === undefined ? undefined : accountChange - explained;
    const status = difference === undefined ? 'unknown' : fx.abs(difference) <= TOLERANCE ? 'ok' : 'mismatch';
    return {
      accountId,
      accountName: name,
      quoteAsset: quote,
      since: baseline.at,
      bots,
      marks: Object.fromEntries([...marks].map(([k, v]) => [k, fx.format(v)])),
      unattributed: { fills: unattributedTrades, volume: f8(unattributedVolume), trades: String(unattributedTrades), funding: f8(unattributedFunding), transfers: f8(transfers), change: f8(unattributedChange) },
      explained: f8(explained),
      accountChange: accountChange === undefined ? undefined : f8(accountChange),
      difference: difference === undefined ? undefined : f8(difference),
      unvalued: Object.fromEntries([...unvalued].map(([k, v]) => [k, fx.format(v)])),
      status,
      message:
        status === 'ok'
          ? 'bots plus unattributed activity explain the account change'
          : status === 'mismatch'
            ? `the account changed by ${f8(accountChange!)} ${quote} but bots and recorded activity explain ${f8(explained)}: a fill or transfer was missed, or the venue's balances lag`
            : 'the account balances could not be read right now',
    };
  }
}
