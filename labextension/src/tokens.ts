/**
 * Interfaces, the REST JSON types of the server extension, and the typed error `requestAPI` raises.
 *
 * The JSON shapes mirror `sparkwire.panel`'s handlers (`panel/_json.py`); the server turns Livy's
 * camelCase objects into these, so the browser never sees Livy URLs with credentials or auth settings.
 */

import { Token } from '@lumino/coreutils';
import { IDisposable } from '@lumino/disposable';
import { ISignal } from '@lumino/signaling';

/** The npm name, also the prefix of plugin ids. */
export const EXTENSION_ID = 'sparkwire-labextension';

/** The REST namespace of the server extension (`/sparkwire/...` under the server's base URL). */
export const API_NAMESPACE = 'sparkwire';

/** The kernel that `%attach` runs in (the "Remote PySpark" kernel). */
export const REMOTE_KERNEL_NAME = 'remote-pyspark';

/** The JSON the server extension sends and accepts. */
export namespace SparkAPI {
  /** One configured Livy endpoint, without credentials. */
  export interface IEndpoint {
    /** The name the configuration gives it; unique, used in URLs. */
    name: string;
    /** The base URL, `user:password@` removed. */
    url: string;
    /** How the server authenticates to it, e.g. "none", "basic", "kerberos". */
    auth: string;
    /** Whether it is the default endpoint: the one a notebook's `%attach ID` joins sessions on. */
    default: boolean;
  }

  /** `GET /sparkwire/endpoints`. */
  export interface IEndpointList {
    endpoints: IEndpoint[];
    /** Names of the configured session profiles, offered in "new session". */
    profiles: string[];
  }

  /** `GET /sparkwire/endpoints/{name}/kinds`: the session kinds the endpoint runs. */
  export interface ISessionKinds {
    kinds: string[];
    /** `gateway`: sparkwire's gateway said what it runs; `livy`: a Livy server, which runs every kind. */
    source: 'gateway' | 'livy';
  }

  /** An interactive session as the panel shows it. */
  export interface ISession {
    id: number;
    name: string | null;
    kind: string | null;
    state: string;
    owner: string | null;
    proxyUser: string | null;
    appId: string | null;
    sparkUiUrl: string | null;
    driverLogUrl: string | null;
    /** When this Jupyter server first saw the session (epoch ms): Livy reports no creation time. */
    firstSeen: number;
    /** True if it already existed when this server first listed the endpoint: the age is a lower bound. */
    seenAtStart: boolean;
  }

  /** `GET /sparkwire/endpoints/{name}/sessions`. */
  export interface ISessionList {
    sessions: ISession[];
  }

  /** A batch as the panel shows it. */
  export interface IBatch {
    id: number;
    name: string | null;
    state: string;
    owner: string | null;
    proxyUser: string | null;
    appId: string | null;
    sparkUiUrl: string | null;
    driverLogUrl: string | null;
    firstSeen: number;
    seenAtStart: boolean;
  }

  /** `GET /sparkwire/endpoints/{name}/batches`; `available` is false when the endpoint has no `/batches`. */
  export interface IBatchList {
    available: boolean;
    batches: IBatch[];
  }

  /** `GET .../sessions/{id}/log` and `.../batches/{id}/log`: a page of lines. */
  export interface ILog {
    id: number;
    /** The number of the first line of `lines` (0-based). */
    from: number;
    /** How many lines the whole log has now. */
    total: number;
    lines: string[];
  }

  /** `POST .../sessions`: each field optional; `properties` is a Livy create body such as `%%configure` takes. */
  export interface ISessionRequest {
    kind?: string;
    name?: string;
    profile?: string;
    properties?: Record<string, unknown>;
  }

  /**
   * `POST .../batches`: `path` is a file of the Jupyter server (relative to its root), `file` a path the
   * Livy server reads (e.g. `hdfs:///jobs/pi.py`); give one of them.
   */
  export interface IBatchRequest {
    path?: string;
    file?: string;
    name?: string;
    className?: string;
    args?: string[];
    conf?: Record<string, string>;
  }

  /** The body of every error answer. */
  export interface IErrorBody {
    message: string;
    reason?: string;
    traceback?: string;
  }
}

/** An error answer of the server extension (or no answer at all), with the server's message. */
export class SparkRequestError extends Error {
  /**
   * @param message - what happened, as the server said it.
   * @param status - the HTTP status; 0 when the Jupyter server did not answer.
   * @param reason - a short error name from the server, if any.
   * @param traceback - a server traceback, if the server sent one.
   */
  constructor(
    message: string,
    readonly status: number,
    readonly reason: string = '',
    readonly traceback: string = ''
  ) {
    super(message);
    this.name = 'SparkRequestError';
  }

  /**
   * Build the error for an answer that is not OK, from whatever body it carries.
   *
   * @param status - the HTTP status.
   * @param statusText - the status line's text, used when the body says nothing.
   * @param body - the decoded JSON body, a text body, or undefined.
   * @returns the error, its message taken from the body's `message` when there is one.
   */
  static fromResponse(status: number, statusText: string, body: unknown): SparkRequestError {
    if (
      body !== null &&
      typeof body === 'object' &&
      typeof (body as SparkAPI.IErrorBody).message === 'string'
    ) {
      const { message, reason, traceback } = body as SparkAPI.IErrorBody;
      return new SparkRequestError(message, status, reason ?? '', traceback ?? '');
    }
    // A proxy or Jupyter itself may answer with HTML or plain text: show its start, not the markup.
    const text =
      typeof body === 'string'
        ? body
            .replace(/<[^>]*>/g, ' ')
            .replace(/\s+/g, ' ')
            .trim()
        : '';
    const detail = text.slice(0, 200) || statusText || 'no details';
    return new SparkRequestError(`The Jupyter server answered ${status}: ${detail}`, status);
  }
}

/** The calls the model makes; `SparkClient` implements them over `requestAPI`, tests fake them. */
export interface ISparkClient {
  endpoints(): Promise<SparkAPI.IEndpointList>;
  sessions(endpoint: string): Promise<SparkAPI.ISessionList>;
  createSession(endpoint: string, request: SparkAPI.ISessionRequest): Promise<SparkAPI.ISession>;
  deleteSession(endpoint: string, id: number): Promise<void>;
  /** `from` omitted or null: the last `size` lines. */
  sessionLog(endpoint: string, id: number, size: number, from?: number | null): Promise<SparkAPI.ILog>;
  batches(endpoint: string): Promise<SparkAPI.IBatchList>;
  submitBatch(endpoint: string, request: SparkAPI.IBatchRequest): Promise<SparkAPI.IBatch>;
  deleteBatch(endpoint: string, id: number): Promise<void>;
  batchLog(endpoint: string, id: number, size: number, from?: number | null): Promise<SparkAPI.ILog>;
  sessionKinds(endpoint: string): Promise<SparkAPI.ISessionKinds>;
}

/** Which lines of a log to fetch; `size` defaults to the model's `logLines`. */
export interface ILogPage {
  from?: number | null;
  size?: number;
}

/** What the panel knows about one endpoint. */
export interface IEndpointState {
  readonly endpoint: SparkAPI.IEndpoint;
  readonly sessions: readonly SparkAPI.ISession[];
  readonly batches: readonly SparkAPI.IBatch[];
  /** False when the endpoint answers 404 for `/batches` (batches not offered there). */
  readonly batchesAvailable: boolean;
  /** The last refresh failure or failed action, shown inline; null when there is none. */
  readonly error: string | null;
  /** Whether the lists have been loaded at least once. */
  readonly loaded: boolean;
}

/** The panel's model: endpoints with their sessions and batches, refreshed while the panel is visible. */
export interface ISparkModel extends IDisposable {
  readonly endpoints: readonly IEndpointState[];
  readonly profiles: readonly string[];
  /** A failure to list the endpoints themselves; null when there is none. */
  readonly error: string | null;
  /** Emitted after any change of the above. */
  readonly changed: ISignal<ISparkModel, void>;
  /** Whether the panel is shown; the lists refresh only while it is. */
  visible: boolean;
  /** Reload everything now. */
  refresh(): Promise<void>;
  createSession(endpoint: string, request: SparkAPI.ISessionRequest): Promise<SparkAPI.ISession | null>;
  deleteSession(endpoint: string, id: number): Promise<boolean>;
  submitBatch(endpoint: string, request: SparkAPI.IBatchRequest): Promise<SparkAPI.IBatch | null>;
  deleteBatch(endpoint: string, id: number): Promise<boolean>;
  /** How many lines a log page holds (the `logLines` setting; a change applies to the next page). */
  logLines: number;
  /** Fetch a page of a session or batch log: the last `size` lines, or `size` lines from `from`. */
  log(endpoint: string, what: 'session' | 'batch', id: number, page?: ILogPage): Promise<SparkAPI.ILog>;
  /** The session kinds the endpoint runs; every kind when it cannot be asked. */
  sessionKinds(endpoint: string): Promise<string[]>;
  /** Show an error inline in an endpoint's section (or the panel's, with a null endpoint). */
  reportError(endpoint: string | null, error: unknown): void;
  /** Remove the inline error of an endpoint (or the panel's). */
  dismissError(endpoint: string | null): void;
}

/** Every Livy session kind, in the order the "new session" form offers them. */
export const SESSION_KINDS: readonly string[] = ['pyspark', 'sql', 'shared', 'spark', 'sparkr'];

/** The model, for other extensions. */
export const ISparkModel = new Token<ISparkModel>(
  `${EXTENSION_ID}:ISparkModel`,
  'Spark sessions and batches on the configured Livy endpoints.'
);
