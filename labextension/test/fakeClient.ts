/**
 * A scriptable `ISparkClient` for model tests: per-endpoint sessions and batches, failures on demand,
 * and a log of the calls made.
 */

import { ISparkClient, SparkAPI, SparkRequestError } from '../src/tokens';

export function session(
  id: number,
  state = 'idle',
  extra: Partial<SparkAPI.ISession> = {}
): SparkAPI.ISession {
  return {
    id,
    name: null,
    kind: 'pyspark',
    state,
    owner: null,
    proxyUser: null,
    appId: null,
    sparkUiUrl: null,
    driverLogUrl: null,
    firstSeen: 0,
    seenAtStart: false,
    ...extra
  };
}

export function batch(id: number, state = 'running'): SparkAPI.IBatch {
  return {
    id,
    name: null,
    state,
    owner: null,
    proxyUser: null,
    appId: null,
    sparkUiUrl: null,
    driverLogUrl: null,
    firstSeen: 0,
    seenAtStart: false
  };
}

export class FakeClient implements ISparkClient {
  endpointList: SparkAPI.IEndpoint[] = [
    { name: 'local', url: 'http://127.0.0.1:8998', auth: 'none', default: true }
  ];
  profiles: string[] = [];
  sessionLists = new Map<string, SparkAPI.ISession[]>();
  batchLists = new Map<string, SparkAPI.IBatchList>();
  /** Endpoints (or 'endpoints') whose calls fail, with the error to throw. */
  failing = new Map<string, Error>();
  calls: string[] = [];
  /** What `sessionKinds` answers, per endpoint; every kind by default. */
  kinds = new Map<string, SparkAPI.ISessionKinds>();

  private _check(key: string): void {
    const error = this.failing.get(key);
    if (error) {
      throw error;
    }
  }

  async endpoints(): Promise<SparkAPI.IEndpointList> {
    this.calls.push('endpoints');
    this._check('endpoints');
    return { endpoints: this.endpointList, profiles: this.profiles };
  }

  async sessions(endpoint: string): Promise<SparkAPI.ISessionList> {
    this.calls.push(`sessions ${endpoint}`);
    this._check(endpoint);
    return { sessions: this.sessionLists.get(endpoint) ?? [] };
  }

  async createSession(endpoint: string, request: SparkAPI.ISessionRequest): Promise<SparkAPI.ISession> {
    this.calls.push(`create ${endpoint} ${JSON.stringify(request)}`);
    this._check(endpoint);
    const created = session(100, 'starting', { name: request.name ?? null });
    this.sessionLists.set(endpoint, [...(this.sessionLists.get(endpoint) ?? []), created]);
    return created;
  }

  async deleteSession(endpoint: string, id: number): Promise<void> {
    this.calls.push(`delete ${endpoint} ${id}`);
    this._check(endpoint);
    if (!(this.sessionLists.get(endpoint) ?? []).some(s => s.id === id)) {
      throw new SparkRequestError(`Session '${id}' not found.`, 404, 'SessionNotFound');
    }
  }

  async sessionLog(
    endpoint: string,
    id: number,
    size: number,
    from: number | null = null
  ): Promise<SparkAPI.ILog> {
    this.calls.push(`log session ${endpoint} ${id} ${size}${from === null ? '' : ` from ${from}`}`);
    this._check(endpoint);
    return { id, from: 0, total: 1, lines: ['ready'] };
  }

  async batches(endpoint: string): Promise<SparkAPI.IBatchList> {
    this.calls.push(`batches ${endpoint}`);
    this._check(endpoint);
    return this.batchLists.get(endpoint) ?? { available: true, batches: [] };
  }

  async submitBatch(endpoint: string, request: SparkAPI.IBatchRequest): Promise<SparkAPI.IBatch> {
    this.calls.push(`submit ${endpoint} ${JSON.stringify(request)}`);
    this._check(endpoint);
    return batch(7, 'starting');
  }

  async deleteBatch(endpoint: string, id: number): Promise<void> {
    this.calls.push(`kill ${endpoint} ${id}`);
    this._check(endpoint);
  }

  async batchLog(
    endpoint: string,
    id: number,
    size: number,
    from: number | null = null
  ): Promise<SparkAPI.ILog> {
    this.calls.push(`log batch ${endpoint} ${id} ${size}${from === null ? '' : ` from ${from}`}`);
    this._check(endpoint);
    return { id, from: 0, total: 0, lines: [] };
  }

  async sessionKinds(endpoint: string): Promise<SparkAPI.ISessionKinds> {
    this.calls.push(`kinds ${endpoint}`);
    this._check(endpoint);
    return (
      this.kinds.get(endpoint) ?? { kinds: ['pyspark', 'sql', 'shared', 'spark', 'sparkr'], source: 'livy' }
    );
  }
}
