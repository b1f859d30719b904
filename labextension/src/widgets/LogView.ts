/**
 * A session's or batch's log tail in the main area, with a refresh button; failures show inline.
 */

import { MainAreaWidget } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { listIcon, refreshIcon, ToolbarButton } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { errorMessage } from '../format';
import { ISparkModel } from '../tokens';
import { LOG_CLASS, LOG_ERROR_CLASS, LOG_TEXT_CLASS } from './classes';

/** Which log to show. */
export interface ILogViewOptions {
  model: ISparkModel;
  endpoint: string;
  what: 'session' | 'batch';
  id: number;
  trans: TranslationBundle;
}

/** The log text; `refresh` reloads the tail and scrolls to its end. */
export class LogView extends Widget {
  /** @param options - the model and which log. */
  constructor(options: ILogViewOptions) {
    super();
    this._options = options;
    this.addClass(LOG_CLASS);
    this._error = document.createElement('div');
    this._error.className = LOG_ERROR_CLASS;
    this._error.setAttribute('role', 'alert');
    this._error.hidden = true;
    this._text = document.createElement('pre');
    this._text.className = LOG_TEXT_CLASS;
    this._text.setAttribute('aria-label', options.trans.__('Log'));
    this.node.append(this._error, this._text);
  }

  /** Reload the tail of the log; a failure is shown above the last text loaded. */
  async refresh(): Promise<void> {
    const { model, endpoint, what, id, trans } = this._options;
    try {
      const log = await model.log(endpoint, what, id);
      this._error.hidden = true;
      this._text.textContent =
        log.lines.length > 0 ? log.lines.join('\n') : trans.__('(The log is empty.)');
      this.node.scrollTop = this.node.scrollHeight;
    } catch (error) {
      this._error.textContent = errorMessage(error);
      this._error.hidden = false;
    }
  }

  private readonly _options: ILogViewOptions;
  private readonly _error: HTMLDivElement;
  private readonly _text: HTMLPreElement;
}

/**
 * @param options - the model and which log.
 * @returns a main-area widget showing the log, loading it at once.
 */
export function createLogWidget(options: ILogViewOptions): MainAreaWidget<LogView> {
  const { trans, what, id, endpoint } = options;
  const content = new LogView(options);
  const widget = new MainAreaWidget({ content });
  widget.id = `sparkwire-log-${encodeURIComponent(endpoint)}-${what}-${id}`;
  widget.title.label =
    what === 'session' ? trans.__('Log: session %1', id) : trans.__('Log: batch %1', id);
  widget.title.caption = trans.__('%1 on %2', widget.title.label, endpoint);
  widget.title.icon = listIcon;
  widget.title.closable = true;
  widget.toolbar.addItem(
    'refresh',
    new ToolbarButton({
      icon: refreshIcon,
      label: trans.__('Refresh'),
      tooltip: trans.__('Load the latest lines'),
      onClick: () => void content.refresh()
    })
  );
  void content.refresh();
  return widget;
}
