/**
 * CSS class names of the panel, `jp-<Component>-<part>` as JupyterLab's running panel names them.
 */

export const PANEL_CLASS = 'jp-SparkPanel';
export const TITLE_CLASS = 'jp-SparkPanel-title';
export const SECTION_CLASS = 'jp-SparkPanel-section';
export const ERROR_CLASS = 'jp-SparkPanel-error';
export const NOTE_CLASS = 'jp-SparkPanel-note';
export const LIST_CLASS = 'jp-SparkPanel-list';
export const ITEM_CLASS = 'jp-SparkPanel-item';
export const ITEM_HEADER_CLASS = 'jp-SparkPanel-itemHeader';
export const ITEM_DETAILS_CLASS = 'jp-SparkPanel-itemDetails';
export const ITEM_ACTIONS_CLASS = 'jp-SparkPanel-itemActions';
export const STATE_CLASS = 'jp-SparkPanel-state';
export const HEADING_CLASS = 'jp-SparkPanel-heading';
export const FORM_CLASS = 'jp-SparkPanel-form';
export const LOG_CLASS = 'jp-SparkLog';
export const LOG_TEXT_CLASS = 'jp-SparkLog-text';
export const LOG_ERROR_CLASS = 'jp-SparkLog-error';
export const LOG_BAR_CLASS = 'jp-SparkLog-bar';
export const LOG_STATUS_CLASS = 'jp-SparkLog-status';

/**
 * @param group - a state group from `stateGroup`.
 * @returns the modifier class colouring a state.
 */
export function stateClass(group: string): string {
  return `${STATE_CLASS} ${STATE_CLASS}-${group}`;
}
