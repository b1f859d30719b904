/**
 * Pure display helpers: state groups (which colour a state gets) and ages.
 */

/** How the panel colours a session or batch state. */
export type StateGroup = 'starting' | 'idle' | 'busy' | 'stopping' | 'succeeded' | 'failed' | 'unknown';

const STATE_GROUPS: Record<string, StateGroup> = {
  not_started: 'starting',
  starting: 'starting',
  recovering: 'starting',
  idle: 'idle',
  busy: 'busy',
  running: 'busy',
  shutting_down: 'stopping',
  success: 'succeeded',
  error: 'failed',
  dead: 'failed',
  killed: 'failed'
};

/** States after which a session or batch never changes again (Livy's final states). */
export const FINAL_STATES: ReadonlySet<string> = new Set(['error', 'dead', 'killed', 'success']);

/**
 * @param state - a Livy state, as the server sent it.
 * @returns its colour group; `unknown` for states a newer Livy may add.
 */
export function stateGroup(state: string): StateGroup {
  return STATE_GROUPS[state] ?? 'unknown';
}

/**
 * @param state - a Livy state.
 * @returns whether the session or batch has ended for good.
 */
export function isFinal(state: string): boolean {
  return FINAL_STATES.has(state);
}

/**
 * A short age, as the running-sessions panel shows them: `12s`, `5m`, `3h`, `2d`.
 *
 * @param since - the start, in epoch milliseconds.
 * @param now - the current time, in epoch milliseconds.
 * @returns the age; `0s` for a start in the future (clock skew).
 */
export function formatAge(since: number, now: number): string {
  const seconds = Math.max(0, Math.floor((now - since) / 1000));
  if (seconds < 60) {
    return `${seconds}s`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    return `${minutes}m`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    return `${hours}h`;
  }
  return `${Math.floor(hours / 24)}d`;
}

/**
 * @param item - a session or batch.
 * @param now - the current time, in epoch milliseconds.
 * @returns its age; `≥5m` when it existed before this server first listed the endpoint, so that only
 *   a lower bound is known.
 */
export function formatItemAge(item: { firstSeen: number; seenAtStart?: boolean }, now: number): string {
  // Items older than this server's first look at the endpoint: their true age is unknown.
  return item.seenAtStart ? `≥${formatAge(item.firstSeen, now)}` : formatAge(item.firstSeen, now);
}

/**
 * The text of any thrown value, for an inline error.
 *
 * @param error - what was thrown.
 * @returns its message.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    return error.message;
  }
  return typeof error === 'string' ? error : JSON.stringify(error);
}
