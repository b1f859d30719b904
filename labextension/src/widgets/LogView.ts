/**
 * A session's or batch's log in the main area, paged so a huge log is never loaded whole: the last
 * page first, *Load earlier* for the page before, *Follow* to poll for new lines (tail -f), and a
 * search over the loaded lines. Failures show inline.
 */

import { MainAreaWidget } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { listIcon, refreshIcon, ToolbarButton } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { errorMessage } from '../format';
import { LogPager } from '../logPager';
import { ISparkModel } from '../tokens';
import { LOG_BAR_CLASS, LOG_CLASS, LOG_ERROR_CLASS, LOG_STATUS_CLASS, LOG_TEXT_CLASS } from './classes';

/** Milliseconds between two polls while following. */
export const FOLLOW_INTERVAL = 2000;

/** Which log to show. */
export interface ILogViewOptions {
  model: ISparkModel;
  endpoint: string;
  what: 'session' | 'batch';
  id: number;
  trans: TranslationBundle;
}

/** The log text with its paging, follow and search controls. */
export class LogView extends Widget {
  /** @param options - the model and which log. */
  constructor(options: ILogViewOptions) {
    super();
    const { model, endpoint, what, id, trans } = options;
    this._trans = trans;
    this._pager = new LogPager(
      page => model.log(endpoint, what, id, page),
      () => model.logLines
    );
    this.addClass(LOG_CLASS);

    const bar = document.createElement('div');
    bar.className = LOG_BAR_CLASS;
    this._earlier = document.createElement('button');
    this._earlier.className = 'jp-mod-styled';
    this._earlier.textContent = trans.__('Load earlier lines');
    this._earlier.onclick = () => void this._run(() => this._pager.earlier(), false);
    const followLabel = document.createElement('label');
    this._follow = document.createElement('input');
    this._follow.type = 'checkbox';
    this._follow.onchange = () => this._setFollowing(this._follow.checked);
    followLabel.append(this._follow, ` ${trans.__('Follow')}`);
    this._search = document.createElement('input');
    this._search.type = 'search';
    this._search.placeholder = trans.__('Search the loaded lines');
    this._search.setAttribute('aria-label', trans.__('Search the log'));
    this._search.oninput = () => this._render(false);
    this._status = document.createElement('span');
    this._status.className = LOG_STATUS_CLASS;
    this._status.setAttribute('aria-live', 'polite');
    bar.append(this._earlier, followLabel, this._search, this._status);

    this._error = document.createElement('div');
    this._error.className = LOG_ERROR_CLASS;
    this._error.setAttribute('role', 'alert');
    this._error.hidden = true;
    this._text = document.createElement('pre');
    this._text.className = LOG_TEXT_CLASS;
    this._text.setAttribute('aria-label', trans.__('Log'));
    this.node.append(bar, this._error, this._text);
  }

  /** Whether new lines are polled for. */
  get following(): boolean {
    return this._timer !== null;
  }

  /** Reload the last page of the log and scroll to its end; a failure shows above the last text. */
  async refresh(): Promise<void> {
    await this._run(() => this._pager.tail(), true);
  }

  /** Stop following. */
  dispose(): void {
    this._setFollowing(false);
    super.dispose();
  }

  private _setFollowing(on: boolean): void {
    this._follow.checked = on;
    if (this._timer !== null) {
      window.clearTimeout(this._timer);
      this._timer = null;
    }
    this._generation += 1;
    if (on && !this.isDisposed) {
      const generation = this._generation;
      this._timer = window.setTimeout(() => void this._poll(generation), 0);
    }
  }

  private async _poll(generation: number): Promise<void> {
    // A background tab does not poll; following resumes when it is shown.
    if (document.visibilityState !== 'hidden') {
      const atEnd = this.node.scrollTop + this.node.clientHeight >= this.node.scrollHeight - 4;
      await this._run(() => this._pager.follow(), atEnd);
    }
    // Unless following stopped (or restarted, which runs its own loop) meanwhile.
    if (generation === this._generation && this._timer !== null && !this.isDisposed) {
      this._timer = window.setTimeout(() => void this._poll(generation), FOLLOW_INTERVAL);
    }
  }

  private async _run(work: () => Promise<unknown>, scrollToEnd: boolean): Promise<void> {
    try {
      await work();
      this._error.hidden = true;
    } catch (error) {
      this._error.textContent = errorMessage(error);
      this._error.hidden = false;
    }
    this._render(scrollToEnd);
  }

  private _render(scrollToEnd: boolean): void {
    const trans = this._trans;
    const pager = this._pager;
    const query = this._search.value;
    const range =
      pager.lines.length > 0
        ? trans.__('lines %1–%2 of %3', pager.first + 1, pager.end, pager.total)
        : trans.__('%1 lines', pager.total);
    if (query) {
      const matches = pager.search(query);
      this._text.textContent = matches.map(match => `${match.line}: ${match.text}`).join('\n');
      this._status.textContent = trans.__('%1 matching among %2', matches.length, range);
    } else {
      this._text.textContent =
        pager.lines.length > 0 ? pager.lines.join('\n') : trans.__('(The log is empty.)');
      this._status.textContent = range;
    }
    this._earlier.disabled = !pager.hasEarlier;
    if (scrollToEnd) {
      this.node.scrollTop = this.node.scrollHeight;
    }
  }

  private readonly _trans: TranslationBundle;
  private readonly _pager: LogPager;
  private readonly _earlier: HTMLButtonElement;
  private readonly _follow: HTMLInputElement;
  private readonly _search: HTMLInputElement;
  private readonly _status: HTMLSpanElement;
  private readonly _error: HTMLDivElement;
  private readonly _text: HTMLPreElement;
  private _timer: number | null = null;
  private _generation = 0;
}

/**
 * @param options - the model and which log.
 * @returns a main-area widget showing the log, loading its last page at once.
 */
export function createLogWidget(options: ILogViewOptions): MainAreaWidget<LogView> {
  const { trans, what, id, endpoint } = options;
  const content = new LogView(options);
  const widget = new MainAreaWidget({ content });
  widget.id = `sparkwire-log-${encodeURIComponent(endpoint)}-${what}-${id}`;
  widget.title.label = what === 'session' ? trans.__('Log: session %1', id) : trans.__('Log: batch %1', id);
  widget.title.caption = trans.__('%1 on %2', widget.title.label, endpoint);
  widget.title.icon = listIcon;
  widget.title.closable = true;
  widget.toolbar.addItem(
    'refresh',
    new ToolbarButton({
      icon: refreshIcon,
      label: trans.__('Refresh'),
      tooltip: trans.__('Load the last lines again'),
      onClick: () => void content.refresh()
    })
  );
  void content.refresh();
  return widget;
}
