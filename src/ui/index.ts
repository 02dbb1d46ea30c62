/**
 * The UI's public surface for src/cli and the orchestrator wiring (ink and react stay behind
 * it). Live view: createRunStore + renderLiveRollout. Plan: buildPlanReview + renderPlanReview
 * (TTY) or groupHosts/formatGroup (text). Non-TTY: createPlainPrinter / createJsonlPrinter.
 */
export { createRunStore, type RunStore, type RunStoreOptions } from './store.js';
export { initialUiState, reduce, type UiAction, type UiState, type HostState } from './state.js';
export type { LiveCallbacks } from './keys.js';
export {
  renderLiveRollout,
  renderPlanReview,
  type LiveRenderOptions,
  type LiveRolloutHandle,
  type PlanReviewOptions,
} from './render.js';
export { buildPlanReview, type PlanReview } from './review.js';
export {
  groupHosts,
  formatGroup,
  describeChange,
  type ChangeGroup,
  type GroupInput,
} from './group.js';
export { createPlainPrinter, formatEventPlain, summaryText } from './plain.js';
export { createJsonlPrinter, formatEventJsonl, type LineSink } from './jsonl.js';
export { summarize, type RunSummary } from './run-summary.js';
