// BitMart's JSON shapes (catalogue §3, §7), as they arrive. Everything is optional and loosely
// typed on purpose: the mappers check each field, so a venue-side change becomes a clear error
// instead of a silent NaN.

export interface WireSymbolDetail {
  readonly symbol?: string;
  readonly base_currency?: string;
  readonly quote_currency?: string;
  /** Despite the name: the base SIZE step (catalogue §8.2). */
  readonly quote_increment?: string;
  readonly base_min_size?: string;
  /** Price tick = 10^-price_max_precision. */
  readonly price_max_precision?: number | string;
  readonly min_buy_amount?: string;
  readonly min_sell_amount?: string;
  readonly trade_status?: string;
}

/** v4 query order object (§3.2). */
export interface WireOrder {
  readonly orderId?: string;
  readonly clientOrderId?: string;
  readonly symbol?: string;
  readonly side?: string;
  readonly orderMode?: string;
  readonly type?: string;
  readonly state?: string;
  readonly cancelSource?: string;
  readonly price?: string;
  readonly priceAvg?: string;
  readonly size?: string;
  readonly filledSize?: string;
  readonly notional?: string;
  readonly filledNotional?: string;
  readonly createTime?: number | string;
  readonly updateTime?: number | string;
}

/** v4 trade object (§3.2). */
export interface WireTrade {
  readonly tradeId?: string;
  readonly orderId?: string;
  readonly clientOrderId?: string;
  readonly symbol?: string;
  readonly side?: string;
  readonly price?: string;
  readonly size?: string;
  readonly fee?: string;
  readonly feeCoinName?: string;
  readonly tradeRole?: string;
  readonly createTime?: number | string;
}

/** WebSocket order push (§7.6). */
export interface WireOrderPush {
  readonly symbol?: string;
  readonly side?: string;
  readonly type?: string;
  readonly size?: string;
  readonly price?: string;
  readonly filled_size?: string;
  readonly filled_notional?: string;
  readonly order_id?: string;
  readonly client_order_id?: string;
  readonly order_state?: string;
  readonly state?: string;
  readonly entrust_type?: string;
  readonly exec_type?: string;
  readonly detail_id?: string;
  readonly last_fill_time?: string;
  readonly last_fill_price?: string;
  readonly last_fill_count?: string;
  readonly create_time?: string;
  readonly update_time?: string;
  readonly ms_t?: string | number;
  readonly dealFee?: string;
  readonly deal_fee_coin_name?: string;
}

export interface WireBalancePush {
  readonly event_type?: string;
  readonly event_time?: string;
  readonly balance_details?: readonly { readonly ccy?: string; readonly av_bal?: string; readonly fz_bal?: string }[];
}

export interface WireWallet {
  readonly wallet?: readonly { readonly id?: string; readonly available?: string; readonly frozen?: string }[];
}

export interface WireDepth {
  readonly symbol?: string;
  readonly asks?: readonly (readonly [string, string])[];
  readonly bids?: readonly (readonly [string, string])[];
  readonly ms_t?: number;
  readonly type?: string;
  readonly version?: number;
}

export interface WirePublicTrade {
  readonly symbol?: string;
  readonly price?: string;
  readonly side?: string;
  readonly size?: string;
  readonly ms_t?: number;
}

export interface WireTicker {
  readonly symbol?: string;
  readonly last_price?: string;
  readonly last?: string;
  readonly bid_px?: string;
  readonly bid_sz?: string;
  readonly ask_px?: string;
  readonly ask_sz?: string;
  readonly ms_t?: number;
  readonly ts?: string;
}
