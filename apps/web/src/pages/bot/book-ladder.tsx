// The venue's order book around the touch, our own resting quantity marked per level.
import { memo } from 'react';
import type { BookLevelDto } from '@mm/core';
import { ApiError, errorMessage } from '../../lib/api.ts';
import { useBook, useBot } from '../../lib/queries.ts';
import { chartNumber } from '../../lib/chart-number.ts';
import { dec, isPositive, mid } from '../../lib/format.ts';
import { cx } from '../../lib/cx.ts';
import { Empty, ErrorText, Panel } from '../../ui/panel.tsx';
import { TableHead } from '../../ui/table-head.tsx';

const DEPTH = 10;

export function BookLadder({ botId, reference, priceDecimals, qtyDecimals }: { botId: string; reference: string | undefined; priceDecimals: number | undefined; qtyDecimals: number | undefined }) {
  const book = useBook(botId);
  // the page's own bot query (cached): a stopped bot's last streamed book is not shown as current
  const state = useBot(botId).data?.state;
  const stopped = book.data?.live === false || state === 'STOPPED';
  const asks = (book.data?.asks ?? []).slice(0, DEPTH);
  const bids = (book.data?.bids ?? []).slice(0, DEPTH);
  const maxQty = Math.max(1e-12, ...[...asks, ...bids].map((l) => chartNumber(l.qty) ?? 0));
  const m = mid(bids[0]?.price, asks[0]?.price);
  // a 4xx (no book for this market, bot not started…) is an answer to show, not an error
  const refused = book.error instanceof ApiError && book.error.status >= 400 && book.error.status < 500 ? book.error : undefined;
  return (
    <Panel title="Order book" id="book" bodyClassName="p-0" actions={<span className="text-[0.85em] text-mute"><span className="text-fg">◆</span> = ours</span>}>
      {book.isError && !refused ? <ErrorText>{errorMessage(book.error)}</ErrorText> : null}
      {book.isPending ? (
        <Empty>loading…</Empty>
      ) : book.isError && refused ? (
        <Empty>{refused.message}</Empty>
      ) : stopped ? (
        <Empty>{state === 'STOPPED' || state === undefined ? 'No market data while stopped.' : 'No market data yet.'}</Empty>
      ) : asks.length + bids.length === 0 ? (
        <Empty>No book data.</Empty>
      ) : (
        <table className="grid-table" aria-label="Order book">
          <TableHead columns={[['Ours', 'num'], ['Price', 'num'], ['Size', 'num']]} />
          <tbody>
            {[...asks].reverse().map((l) => (
              <Level key={`a${l.price}`} level={l} side="sell" maxQty={maxQty} pd={priceDecimals} qd={qtyDecimals} />
            ))}
            <tr aria-label="Spread">
              <td colSpan={3} className="text-center text-[0.9em] text-dim">
                mid {dec(m, priceDecimals === undefined ? {} : { maxDecimals: priceDecimals + 1 })} {reference ? <span className="text-mute">· ref {dec(reference, { maxDecimals: 8 })}</span> : null}
              </td>
            </tr>
            {bids.map((l) => (
              <Level key={`b${l.price}`} level={l} side="buy" maxQty={maxQty} pd={priceDecimals} qd={qtyDecimals} />
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}

const Level = memo(function Level({ level, side, maxQty, pd, qd }: { level: BookLevelDto; side: 'buy' | 'sell'; maxQty: number; pd: number | undefined; qd: number | undefined }) {
  const own = isPositive(level.ownQty);
  const width = Math.min(100, ((chartNumber(level.qty) ?? 0) / maxQty) * 100);
  return (
    <tr data-own={own ? 'true' : undefined} aria-label={`${side === 'buy' ? 'bid' : 'ask'} ${level.price}${own ? ', ours' : ''}`} className={cx(own && 'bg-raised')}>
      <td className="num">{own ? <span className="text-fg">◆ {dec(level.ownQty, { decimals: qd })}</span> : null}</td>
      <td className={cx('num', side === 'buy' ? 'text-buy' : 'text-sell')}>{dec(level.price, { decimals: pd })}</td>
      <td className="num relative">
        <span aria-hidden="true" className={cx('absolute inset-y-0.5 right-0 opacity-15', side === 'buy' ? 'bg-buy' : 'bg-sell')} style={{ width: `${width}%` }} />
        <span className="relative">{dec(level.qty, { decimals: qd })}</span>
      </td>
    </tr>
  );
});
