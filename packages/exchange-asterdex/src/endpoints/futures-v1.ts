// Futures V1 ("legacy", HMAC-SHA256 + X-MBX-APIKEY): the shared set under /fapi/v1 (with
// /fapi/v2/balance, /fapi/v2/positionRisk and /fapi/v4/account), plus V1-only endpoints
// (catalogue §3.2: remainingOpenableNotionalValue, the order test, the deprecated withdraw
// endpoints).
import type { EndpointSpec } from '@mm/exchange';
import { NEW_ORDER_PARAMS, sharedFor } from './futures-shared.ts';
import { ORDER, QUERY, dec, int, long, str } from './params.ts';

const V1_ONLY: readonly EndpointSpec[] = [
  { id: 'remainingOpenableNotionalValue', method: 'GET', path: '/fapi/v1/remainingOpenableNotionalValue', security: 'USER_DATA', weight: 20, priority: QUERY, params: [str('symbol', true), int('leverage', true)] },
  // validated by the venue but never sent to the matching engine: no ORDERS cost
  { id: 'testOrder', method: 'POST', path: '/fapi/v1/order/test', security: 'TRADE', weight: 1, priority: ORDER, idempotent: true, params: NEW_ORDER_PARAMS },
  // deprecated withdraw endpoints; weights are undocumented, 1 is assumed
  { id: 'withdrawInfo', method: 'POST', path: '/fapi/aster/user-withdraw-info', security: 'USER_DATA', weight: 1, priority: QUERY, params: [] },
  { id: 'depositWithdrawHistory', method: 'POST', path: '/fapi/aster/deposit-withdraw-history', security: 'USER_DATA', weight: 1, priority: QUERY, params: [] },
  {
    id: 'withdraw',
    method: 'POST',
    path: '/fapi/aster/user-withdraw',
    security: 'USER_DATA',
    weight: 1,
    priority: QUERY,
    params: [int('chainId', true), str('asset', true), dec('amount', true), dec('fee', true), str('receiver', true), long('nonce', true), str('userSignature', true)],
  },
  {
    id: 'solanaWithdraw',
    method: 'POST',
    path: '/fapi/aster/user-solana-withdraw',
    security: 'USER_DATA',
    weight: 1,
    priority: QUERY,
    params: [int('chainId', true), str('asset', true), dec('amount', true), dec('fee', true), str('receiver', true), long('userNonce'), str('userSignature')],
  },
];

export const FUTURES_V1_ENDPOINTS: readonly EndpointSpec[] = [...sharedFor('v1'), ...V1_ONLY];
