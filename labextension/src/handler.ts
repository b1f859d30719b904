/**
 * The one way the panel talks to its server extension.
 */

import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { API_NAMESPACE, SparkRequestError } from './tokens';

/**
 * Call the server extension's REST API.
 *
 * @param endPoint - the path under the namespace, e.g. `endpoints/local/sessions`.
 * @param init - the fetch options (method, body).
 * @param namespace - the API namespace, `sparkwire` by default.
 * @returns the decoded JSON answer (undefined for an empty answer such as 204).
 * @throws SparkRequestError with the server's message for an error status, or status 0 when the
 *   Jupyter server could not be reached.
 */
export async function requestAPI<T>(
  endPoint = '',
  init: RequestInit = {},
  namespace: string = API_NAMESPACE
): Promise<T> {
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, namespace, endPoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new SparkRequestError(`The Jupyter server could not be reached: ${String(error)}`, 0);
  }
  const text = await response.text();
  let body: unknown = text.length > 0 ? text : undefined;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON (a proxy's error page): keep the text for the message.
    }
  }
  if (!response.ok) {
    throw SparkRequestError.fromResponse(response.status, response.statusText, body);
  }
  return body as T;
}
