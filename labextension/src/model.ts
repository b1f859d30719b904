/**
 * The panel's model: endpoints with their sessions and batches. No UI.
 *
 * A `Poll` refreshes everything while the panel is visible and the page shown, and stands by
 * otherwise; a failed refresh backs the interval off up to a cap. Failures never throw out of the
 * model: they become inline errors of the endpoint concerned.
 */

import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import { errorMessage } from './format';
import {
  EXTENSION_ID,
  IEndpointState,
  ILogPage,
  ISparkClient,
  ISparkModel,
  SESSION_KINDS,
  SparkAPI
} from './tokens';

/** Defaults of the settings in `schema/plugin.json`. */
export const DEFAULT_REFRESH_INTERVAL = 3000;
export const DEFAULT_MAX_REFRESH_INTERVAL = 30000;
export const DEFAULT_LOG_LINES = 200;

/** How to build a `SparkModel`. */
export interface ISparkModelOptions {
  /** The REST client. */
  client: ISparkClient;
  /** Milliseconds between refreshes while visible. */
  refreshInterval?: number;
  /** The cap the interval backs off to while refreshes fail. */
  maxRefreshInterval?: number;
  /** How many log lines `log` fetches. */
  logLines?: number;
}

interface IMutableEndpoint {
  endpoint: SparkAPI.IEndpoint;
  sessions: SparkAPI.ISession[];
  batches: SparkAPI.IBatch[];
  batchesAvailable: boolean;
  loaded: boolean;
  refreshError: string | null;
  actionError: string | null;
}

function snapshot(state: IMutableEndpoint): IEndpointState {
  return Object.freeze({
    endpoint: state.endpoint,
    sessions: Object.freeze([...state.sessions]),
    batches: Object.freeze([...state.batches]),
    batchesAvailable: state.batchesAvailable,
    error: state.actionError ?? state.refreshError,
    loaded: state.loaded
  });
}

function byId<T extends { id: number }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => a.id - b.id);
}

function upsert<T extends { id: number }>(items: readonly T[], item: T): T[] {
  return byId([...items.filter(existing => existing.id !== item.id), item]);
}

/** The model of the Spark panel. */
export class SparkModel implements ISparkModel {
  /**
   * @param options - the client and refresh settings; the poll starts at once, standing by until
   *   `visible` is set.
   */
  constructor(options: ISparkModelOptions) {
    this._client = options.client;
    this._logLines = options.logLines ?? DEFAULT_LOG_LINES;
    this._poll = new Poll({
      auto: false,
      factory: () => this._refreshOrFail(),
      frequency: {
        interval: options.refreshInterval ?? DEFAULT_REFRESH_INTERVAL,
        backoff: true,
        max: options.maxRefreshInterval ?? DEFAULT_MAX_REFRESH_INTERVAL
      },
      name: `${EXTENSION_ID}:refresh`,
      standby: () => (this._visible ? 'when-hidden' : true)
    });
    void this._poll.start();
  }

  /** The endpoints, in configuration order. */
  get endpoints(): readonly IEndpointState[] {
    return this._snapshots;
  }

  /** The configured session profile names. */
  get profiles(): readonly string[] {
    return this._profiles;
  }

  /** A failure to list the endpoints, or null. */
  get error(): string | null {
    return this._error;
  }

  /** Emitted after any change. */
  get changed(): ISignal<ISparkModel, void> {
    return this._changed;
  }

  /** Whether the panel is shown; showing it refreshes at once. */
  get visible(): boolean {
    return this._visible;
  }

  set visible(value: boolean) {
    if (value === this._visible) {
      return;
    }
    this._visible = value;
    if (value) {
      void this._poll.refresh();
    }
  }

  /** The polling frequency in force (tests and settings read it). */
  get frequency(): Poll['frequency'] {
    return this._poll.frequency;
  }

  /**
   * Change the refresh interval and its cap (from the settings).
   *
   * @param interval - milliseconds between refreshes.
   * @param max - the backoff cap.
   */
  setFrequency(interval: number, max: number): void {
    this._poll.frequency = { interval, backoff: true, max: Math.max(interval, max) };
  }

  /** Whether the model is disposed. */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Stop polling and disconnect listeners. */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._poll.dispose();
    Signal.clearData(this);
  }

  /**
   * Reload the endpoint list and every endpoint's sessions and batches; concurrent calls share one
   * reload. Never rejects: failures become inline errors.
   */
  refresh(): Promise<void> {
    return this._refreshOrFail().catch(() => undefined);
  }

  /**
   * @param endpoint - the endpoint name.
   * @param request - what to create.
   * @returns the new session, or null after showing the failure inline.
   */
  async createSession(
    endpoint: string,
    request: SparkAPI.ISessionRequest
  ): Promise<SparkAPI.ISession | null> {
    return this._act(endpoint, async state => {
      const session = await this._client.createSession(endpoint, request);
      state.sessions = upsert(state.sessions, session);
      return session;
    });
  }

  /**
   * @param endpoint - the endpoint name.
   * @param id - the session to stop.
   * @returns whether it was deleted (a failure is shown inline).
   */
  async deleteSession(endpoint: string, id: number): Promise<boolean> {
    const done = await this._act(endpoint, async state => {
      await this._client.deleteSession(endpoint, id);
      state.sessions = state.sessions.map(s => (s.id === id ? { ...s, state: 'shutting_down' } : s));
      return true;
    });
    return done ?? false;
  }

  /**
   * @param endpoint - the endpoint name.
   * @param request - what to run.
   * @returns the new batch, or null after showing the failure inline.
   */
  async submitBatch(endpoint: string, request: SparkAPI.IBatchRequest): Promise<SparkAPI.IBatch | null> {
    return this._act(endpoint, async state => {
      const batch = await this._client.submitBatch(endpoint, request);
      state.batches = upsert(state.batches, batch);
      return batch;
    });
  }

  /**
   * @param endpoint - the endpoint name.
   * @param id - the batch to kill.
   * @returns whether it was killed (a failure is shown inline).
   */
  async deleteBatch(endpoint: string, id: number): Promise<boolean> {
    const done = await this._act(endpoint, async state => {
      await this._client.deleteBatch(endpoint, id);
      state.batches = state.batches.map(b => (b.id === id ? { ...b, state: 'shutting_down' } : b));
      return true;
    });
    return done ?? false;
  }

  /** How many lines a log page holds; setting it (from the settings) applies to the next page. */
  get logLines(): number {
    return this._logLines;
  }

  set logLines(value: number) {
    this._logLines = Math.max(1, Math.floor(value));
  }

  /**
   * @param endpoint - the endpoint name.
   * @param what - a session's or a batch's log.
   * @param id - the session or batch.
   * @param page - which lines: the last `logLines` by default, or `size` lines from `from`.
   * @returns the lines; rejects with the server's error (the log view shows it).
   */
  log(endpoint: string, what: 'session' | 'batch', id: number, page: ILogPage = {}): Promise<SparkAPI.ILog> {
    const size = page.size ?? this._logLines;
    const from = page.from ?? null;
    return what === 'session'
      ? this._client.sessionLog(endpoint, id, size, from)
      : this._client.batchLog(endpoint, id, size, from);
  }

  /**
   * @param endpoint - the endpoint name.
   * @returns the session kinds it runs (sparkwire's gateway: Python and SQL); every kind when the
   *   question fails, so that the form still opens (creating then reports the real error).
   */
  async sessionKinds(endpoint: string): Promise<string[]> {
    try {
      const answer = await this._client.sessionKinds(endpoint);
      return answer.kinds.length > 0 ? answer.kinds : [...SESSION_KINDS];
    } catch {
      return [...SESSION_KINDS];
    }
  }

  /**
   * @param endpoint - the endpoint whose section shows the error, or null for the panel's.
   * @param error - what was thrown.
   */
  reportError(endpoint: string | null, error: unknown): void {
    const state = endpoint === null ? undefined : this._states.get(endpoint);
    if (state === undefined) {
      this._error = errorMessage(error);
    } else {
      state.actionError = errorMessage(error);
    }
    this._emit();
  }

  /** @param endpoint - the endpoint whose error to clear, or null for the panel's. */
  dismissError(endpoint: string | null): void {
    const state = endpoint === null ? undefined : this._states.get(endpoint);
    if (state === undefined) {
      this._error = null;
    } else {
      state.actionError = null;
      state.refreshError = null;
    }
    this._emit();
  }

  private async _act<T>(
    endpoint: string,
    action: (state: IMutableEndpoint) => Promise<T>
  ): Promise<T | null> {
    const state = this._states.get(endpoint);
    if (state === undefined) {
      this.reportError(null, `Unknown endpoint "${endpoint}"; refresh the panel.`);
      return null;
    }
    try {
      const result = await action(state);
      state.actionError = null;
      this._emit();
      void this._poll.refresh();
      return result;
    } catch (error) {
      state.actionError = errorMessage(error);
      this._emit();
      return null;
    }
  }

  private _refreshOrFail(): Promise<void> {
    // One reload at a time: the poll and a user's refresh share the one in flight.
    if (this._refreshing === null) {
      this._refreshing = this._reload().finally(() => {
        this._refreshing = null;
      });
    }
    return this._refreshing;
  }

  private async _reload(): Promise<void> {
    let list: SparkAPI.IEndpointList;
    try {
      list = await this._client.endpoints();
    } catch (error) {
      this._error = errorMessage(error);
      this._emit();
      throw error;
    }
    this._error = null;
    this._profiles = Object.freeze([...list.profiles]);
    const states = new Map<string, IMutableEndpoint>();
    for (const endpoint of list.endpoints) {
      const state = this._states.get(endpoint.name) ?? {
        endpoint,
        sessions: [],
        batches: [],
        batchesAvailable: true,
        loaded: false,
        refreshError: null,
        actionError: null
      };
      state.endpoint = endpoint;
      states.set(endpoint.name, state);
    }
    this._states = states;
    this._emit();
    const results = await Promise.all([...states.values()].map(state => this._reloadEndpoint(state)));
    this._emit();
    const failed = results.filter(ok => !ok).length;
    if (failed > 0) {
      // Rejecting makes the poll back off while endpoints are failing.
      throw new Error(`${failed} endpoint(s) could not be refreshed`);
    }
  }

  private async _reloadEndpoint(state: IMutableEndpoint): Promise<boolean> {
    const name = state.endpoint.name;
    const [sessions, batches] = await Promise.allSettled([
      this._client.sessions(name),
      this._client.batches(name)
    ]);
    if (this._states.get(name) !== state) {
      return true; // Removed from the configuration meanwhile.
    }
    const errors: string[] = [];
    if (sessions.status === 'fulfilled') {
      state.sessions = byId(sessions.value.sessions);
      state.loaded = true;
    } else {
      errors.push(errorMessage(sessions.reason));
    }
    if (batches.status === 'fulfilled') {
      state.batches = byId(batches.value.batches);
      state.batchesAvailable = batches.value.available;
    } else if (!errors.includes(errorMessage(batches.reason))) {
      // An unreachable endpoint fails both lists with one message: show it once.
      errors.push(errorMessage(batches.reason));
    }
    state.refreshError = errors.length > 0 ? errors.join('\n') : null;
    return errors.length === 0;
  }

  private _emit(): void {
    this._snapshots = Object.freeze([...this._states.values()].map(snapshot));
    this._changed.emit();
  }

  private readonly _client: ISparkClient;
  private _logLines: number;
  private readonly _poll: Poll;
  private readonly _changed = new Signal<ISparkModel, void>(this);
  private _states = new Map<string, IMutableEndpoint>();
  private _snapshots: readonly IEndpointState[] = Object.freeze([]);
  private _profiles: readonly string[] = Object.freeze([]);
  private _error: string | null = null;
  private _visible = false;
  private _refreshing: Promise<void> | null = null;
  private _isDisposed = false;
}
