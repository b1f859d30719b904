/**
 * `ISparkClient` over the server extension's REST API: one method per route.
 */

import { requestAPI } from './handler';
import { ISparkClient, SparkAPI } from './tokens';

function endpointPath(endpoint: string, ...rest: (string | number)[]): string {
  return ['endpoints', endpoint, ...rest].map(part => encodeURIComponent(String(part))).join('/');
}

function logQuery(size: number, from: number | null): string {
  return from === null ? `size=${size}` : `from=${from}&size=${size}`;
}

function jsonBody(method: string, value: unknown): RequestInit {
  return { method, body: JSON.stringify(value), headers: { 'Content-Type': 'application/json' } };
}

/** The REST client the panel uses in JupyterLab. */
export class SparkClient implements ISparkClient {
  /** @returns the configured endpoints and session profiles. */
  endpoints(): Promise<SparkAPI.IEndpointList> {
    return requestAPI<SparkAPI.IEndpointList>('endpoints');
  }

  /** @param endpoint - the endpoint name. @returns its sessions. */
  sessions(endpoint: string): Promise<SparkAPI.ISessionList> {
    return requestAPI<SparkAPI.ISessionList>(endpointPath(endpoint, 'sessions'));
  }

  /**
   * @param endpoint - the endpoint name.
   * @param request - what to create.
   * @returns the new session, usually `starting`.
   */
  createSession(endpoint: string, request: SparkAPI.ISessionRequest): Promise<SparkAPI.ISession> {
    return requestAPI<SparkAPI.ISession>(endpointPath(endpoint, 'sessions'), jsonBody('POST', request));
  }

  /** @param endpoint - the endpoint name. @param id - the session to stop. */
  async deleteSession(endpoint: string, id: number): Promise<void> {
    await requestAPI<void>(endpointPath(endpoint, 'sessions', id), { method: 'DELETE' });
  }

  /**
   * @param endpoint - the endpoint name.
   * @param id - the session.
   * @param size - how many lines.
   * @param from - the first line; null for the last `size` lines.
   * @returns a page of the log.
   */
  sessionLog(endpoint: string, id: number, size: number, from: number | null = null): Promise<SparkAPI.ILog> {
    return requestAPI<SparkAPI.ILog>(
      `${endpointPath(endpoint, 'sessions', id, 'log')}?${logQuery(size, from)}`
    );
  }

  /** @param endpoint - the endpoint name. @returns its batches, or `available: false`. */
  batches(endpoint: string): Promise<SparkAPI.IBatchList> {
    return requestAPI<SparkAPI.IBatchList>(endpointPath(endpoint, 'batches'));
  }

  /**
   * @param endpoint - the endpoint name.
   * @param request - what to run.
   * @returns the new batch.
   */
  submitBatch(endpoint: string, request: SparkAPI.IBatchRequest): Promise<SparkAPI.IBatch> {
    return requestAPI<SparkAPI.IBatch>(endpointPath(endpoint, 'batches'), jsonBody('POST', request));
  }

  /** @param endpoint - the endpoint name. @param id - the batch to kill. */
  async deleteBatch(endpoint: string, id: number): Promise<void> {
    await requestAPI<void>(endpointPath(endpoint, 'batches', id), { method: 'DELETE' });
  }

  /**
   * @param endpoint - the endpoint name.
   * @param id - the batch.
   * @param size - how many lines.
   * @param from - the first line; null for the last `size` lines.
   * @returns a page of the log.
   */
  batchLog(endpoint: string, id: number, size: number, from: number | null = null): Promise<SparkAPI.ILog> {
    return requestAPI<SparkAPI.ILog>(
      `${endpointPath(endpoint, 'batches', id, 'log')}?${logQuery(size, from)}`
    );
  }

  /** @param endpoint - the endpoint name. @returns the session kinds it runs. */
  sessionKinds(endpoint: string): Promise<SparkAPI.ISessionKinds> {
    return requestAPI<SparkAPI.ISessionKinds>(endpointPath(endpoint, 'kinds'));
  }
}
