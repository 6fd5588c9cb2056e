// Recorded markets: the simulated exchange trading against a replayed (or live-fed) order book
// with a queue-position model for our resting orders.
export { ReplayWorld } from './world.ts';
export type { ReplayMarketSpec, ReplayWorldOptions, ReplayWorldState } from './world.ts';
export { ReplayMarket, RECORDED_MARKET_ACCOUNT } from './market.ts';
export type { ReplayCounters, ReplayMarketOptions } from './market.ts';
export { ReplayBook, ReplayBookSide, ReplayLevel } from './book.ts';
export { RecordedGrid } from './grid.ts';
export type { GridCounters } from './grid.ts';
export { PROPORTIONAL, RISK_AVERSE, cancelModelOf, powerCancelModel } from './cancel-model.ts';
export type { CancelModel, QueueModelSpec } from './cancel-model.ts';
export { OrderQueue } from './queue.ts';
export type { QueuedOrder, QueueFiller } from './queue.ts';
export { EventPlayer } from './player.ts';
export type { EventSink } from './player.ts';
export { ScaledDecimal, scaleDecimal } from './decimal.ts';
export { syntheticRecording } from './synthetic.ts';
export type { SyntheticRecordingOptions } from './synthetic.ts';
