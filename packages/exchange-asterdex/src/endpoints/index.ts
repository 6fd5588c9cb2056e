export { FUTURES_SHARED } from './futures-shared.ts';
export { FUTURES_V1_ENDPOINTS } from './futures-v1.ts';
export { FUTURES_V3_ENDPOINTS } from './futures-v3.ts';
export { SPOT_V1_ENDPOINTS, SPOT_V3_ENDPOINTS } from './spot.ts';
