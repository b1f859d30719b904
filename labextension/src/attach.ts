/**
 * The notebook "attach" opens: the Remote PySpark kernel, a first cell joining the session.
 */

import { REMOTE_KERNEL_NAME } from './tokens';

/**
 * @param sessionId - the Livy session to join.
 * @returns the source of the first cell (the kernel's `%attach ID` magic).
 */
export function attachSource(sessionId: number): string {
  return `%attach ${sessionId}`;
}

/**
 * The content of a new notebook joined to a session (nbformat 4).
 *
 * @param endpoint - the endpoint's name, kept in the notebook metadata.
 * @param sessionId - the session.
 * @param displayName - the kernel's display name.
 * @returns the notebook JSON, to save through the contents API.
 */
export function attachNotebook(
  endpoint: string,
  sessionId: number,
  displayName = 'Remote PySpark'
): Record<string, unknown> {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: REMOTE_KERNEL_NAME, display_name: displayName, language: 'python' },
      language_info: { name: 'python' },
      sparkwire: { endpoint, session: sessionId }
    },
    cells: [
      {
        cell_type: 'code',
        id: `attach-${sessionId}`,
        metadata: {},
        execution_count: null,
        outputs: [],
        source: attachSource(sessionId)
      }
    ]
  };
}
