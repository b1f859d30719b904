/**
 * Pure parsing of what users type in the "new session" and "submit batch" forms.
 *
 * Errors are thrown as `FormError` with a message fit to show inline.
 */

import { SparkAPI } from './tokens';

/** Input that cannot be sent; the message says what to fix. */
export class FormError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormError';
  }
}

/**
 * Parse an optional JSON object (a Livy session body or a Spark conf map).
 *
 * @param text - what the user typed; blank means "none".
 * @param what - what the object is, for messages.
 * @returns the object, or undefined for blank input.
 * @throws FormError for invalid JSON or a JSON value that is not an object.
 */
export function parseJsonObject(text: string, what: string): Record<string, unknown> | undefined {
  if (text.trim() === '') {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new FormError(`${what} is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new FormError(`${what} must be a JSON object, e.g. {"spark.executor.memory": "2g"}`);
  }
  return value as Record<string, unknown>;
}

/**
 * Parse a Spark conf map: a JSON object whose values become strings, as Spark settings are.
 *
 * @param text - what the user typed; blank means "none".
 * @returns the settings, or undefined for blank input.
 * @throws FormError for invalid JSON or a nested value.
 */
export function parseConf(text: string): Record<string, string> | undefined {
  const value = parseJsonObject(text, 'Spark conf');
  if (value === undefined) {
    return undefined;
  }
  const conf: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== null && typeof item === 'object') {
      throw new FormError(`Spark conf "${key}" must be a string, number or boolean`);
    }
    conf[key] = String(item);
  }
  return conf;
}

/**
 * Split command-line arguments as a POSIX shell would, for quotes and backslashes (no expansion).
 *
 * @param text - e.g. `--input "my file.csv" -n 3`.
 * @returns the arguments, e.g. `["--input", "my file.csv", "-n", "3"]`.
 * @throws FormError for an unclosed quote.
 */
export function splitArgs(text: string): string[] {
  const args: string[] = [];
  let current = '';
  let inArg = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote === "'") {
      if (char === "'") {
        quote = null;
      } else {
        current += char;
      }
    } else if (quote === '"') {
      if (char === '"') {
        quote = null;
      } else if (char === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) {
        current += text[++i];
      } else {
        current += char;
      }
    } else if (char === "'" || char === '"') {
      quote = char;
      inArg = true;
    } else if (char === '\\' && i + 1 < text.length) {
      current += text[++i];
      inArg = true;
    } else if (/\s/.test(char)) {
      if (inArg) {
        args.push(current);
        current = '';
        inArg = false;
      }
    } else {
      current += char;
      inArg = true;
    }
  }
  if (quote !== null) {
    throw new FormError(`Arguments have an unclosed ${quote} quote`);
  }
  if (inArg) {
    args.push(current);
  }
  return args;
}

/** The "new session" form's raw values. */
export interface ISessionForm {
  kind: string;
  name: string;
  profile: string;
  properties: string;
}

/**
 * @param form - the form's values; blank fields are left out.
 * @returns the request body.
 * @throws FormError for invalid JSON properties.
 */
export function sessionRequest(form: ISessionForm): SparkAPI.ISessionRequest {
  const request: SparkAPI.ISessionRequest = {};
  if (form.kind) {
    request.kind = form.kind;
  }
  if (form.name.trim()) {
    request.name = form.name.trim();
  }
  if (form.profile) {
    request.profile = form.profile;
  }
  const properties = parseJsonObject(form.properties, 'Session properties');
  if (properties !== undefined) {
    request.properties = properties;
  }
  return request;
}

/** The "submit batch" form's raw values. */
export interface IBatchForm {
  path: string;
  name: string;
  className: string;
  args: string;
  conf: string;
}

/**
 * @param form - the form's values. A path with a URI scheme (`hdfs:`, `s3a:`, `local:`) or an
 *   absolute path is one the Livy server reads; anything else is a file of the Jupyter server.
 * @returns the request body.
 * @throws FormError for a missing path, bad arguments or bad conf.
 */
export function batchRequest(form: IBatchForm): SparkAPI.IBatchRequest {
  const path = form.path.trim();
  if (!path) {
    throw new FormError('Choose the application file to run');
  }
  const request: SparkAPI.IBatchRequest = isRemotePath(path) ? { file: path } : { path };
  if (form.name.trim()) {
    request.name = form.name.trim();
  }
  if (form.className.trim()) {
    request.className = form.className.trim();
  }
  const args = splitArgs(form.args);
  if (args.length > 0) {
    request.args = args;
  }
  const conf = parseConf(form.conf);
  if (conf !== undefined) {
    request.conf = conf;
  }
  return request;
}

/**
 * @param path - a path typed or picked in the batch form.
 * @returns whether it names a file for the Livy server (a URI or an absolute path) rather than a
 *   file of the Jupyter server's tree.
 */
export function isRemotePath(path: string): boolean {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(path) || path.startsWith('/');
}
