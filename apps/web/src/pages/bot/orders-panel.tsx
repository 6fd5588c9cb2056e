// Our open orders, asks above bids like the book, live from the order stream.
import { useMemo } from 'react';
import { useNow } from '../../lib/use-now.ts';
import type { OrderDto } from '@mm/core';
import { errorMessage } from '../../lib/api.ts';
import { useOpenOrders } from '../../lib/queries.ts';
import { compare, dec, distancePct, fmtAge } from '../../lib/format.ts';
import { Empty, ErrorText, Panel } from '../../ui/panel.tsx';
import { SideText } from '../../ui/status.tsx';
import { TableHead } from '../../ui/table-head.tsx';

export function OpenOrdersPanel({ botId, reference, priceDecimals, qtyDecimals }: { botId: string; reference: string | undefined; priceDecimals: number | undefined; qtyDecimals: number | undefined }) {
  const orders = useOpenOrders(botId);
  const now = useNow(1000);
  const sorted = useMemo(() => {
    const items = orders.data?.items ?? [];
    const asks = items.filter((o) => o.side === 'sell').sort((a, b) => compare(b.price, a.price));
    const bids = items.filter((o) => o.side === 'buy').sort((a, b) => compare(b.price, a.price));
    return [...asks, ...bids];
  }, [orders.data]);
  return (
    <Panel title="Open orders" id="orders" bodyClassName="max-h-[26rem] overflow-auto p-0" actions={<span className="text-dim">{sorted.length} open</span>}>
      {orders.isError ? <ErrorText>{errorMessage(orders.error)}</ErrorText> : null}
      {orders.isPending ? (
        <Empty>loading…</Empty>
      ) : sorted.length === 0 ? (
        <Empty>No open orders.</Empty>
      ) : (
        <table className="grid-table" aria-label="Open orders">
          <TableHead columns={['Side', ['Price', 'num'], ['From ref', 'num'], ['Qty', 'num'], ['Filled', 'num'], 'Status', 'Tag', ['Age', 'num']]} />
          <tbody>
            {sorted.map((o) => (
              <OrderRow key={o.clientOrderId} order={o} reference={reference} now={now} pd={priceDecimals} qd={qtyDecimals} />
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}

function OrderRow({ order, reference, now, pd, qd }: { order: OrderDto; reference: string | undefined; now: number; pd: number | undefined; qd: number | undefined }) {
  const d = distancePct(order.price, reference, 2);
  return (
    <tr title={order.clientOrderId}>
      <td>
        <SideText side={order.side} />
      </td>
      <td className="num">{dec(order.price, { decimals: pd })}</td>
      <td className="num text-dim">{d === undefined ? '—' : `${d.startsWith('-') ? '' : '+'}${d}%`}</td>
      <td className="num">{dec(order.qty, { decimals: qd })}</td>
      <td className="num text-dim">{dec(order.filled, { decimals: qd })}</td>
      <td className="text-dim">{order.status}</td>
      <td className="text-dim">{order.tag}</td>
      <td className="num text-dim">{fmtAge(order.createdAt, now)}</td>
    </tr>
  );
}
