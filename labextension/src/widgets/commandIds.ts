/**
 * Command ids, shared by the plugin that registers them and the widgets that run them.
 */

export namespace CommandIDs {
  export const open = 'sparkwire:open';
  export const refresh = 'sparkwire:refresh';
  export const newSession = 'sparkwire:new-session';
  export const deleteSession = 'sparkwire:delete-session';
  export const sessionLog = 'sparkwire:session-log';
  export const attach = 'sparkwire:attach';
  export const submitBatch = 'sparkwire:submit-batch';
  export const killBatch = 'sparkwire:kill-batch';
  export const batchLog = 'sparkwire:batch-log';
}
