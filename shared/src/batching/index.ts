export { perTurnBatcher, type TurnBatch, type Waiter } from './per-turn-batch'
