/**
 * The "Spark" side panel: a refresh button, the panel-wide error, and one section per endpoint.
 */

import { TranslationBundle, ITranslator } from '@jupyterlab/translation';
import { ReactWidget, refreshIcon, SidePanel, ToolbarButton, UseSignal } from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import React from 'react';

import { ISparkModel } from '../tokens';
import { PANEL_CLASS, TITLE_CLASS } from './classes';
import { EndpointSection } from './EndpointSection';
import { ErrorBanner } from './ErrorBanner';

/** What the panel needs. */
export interface ISparkPanelOptions {
  model: ISparkModel;
  commands: CommandRegistry;
  translator: ITranslator;
  trans: TranslationBundle;
}

/** The side panel; tells the model when it is shown so lists refresh only then. */
export class SparkPanel extends SidePanel {
  /** @param options - the model, the commands and the translations. */
  constructor(options: ISparkPanelOptions) {
    super({ translator: options.translator });
    const { model, trans } = options;
    this._options = options;
    this.addClass(PANEL_CLASS);
    this.id = 'sparkwire-panel';
    this.title.caption = trans.__('Spark sessions and batches');
    this.toolbar.addItem(
      'refresh',
      new ToolbarButton({
        icon: refreshIcon,
        tooltip: trans.__('Refresh sessions and batches'),
        onClick: () => void model.refresh()
      })
    );
    const heading = new Widget({ node: document.createElement('h2') });
    heading.addClass(TITLE_CLASS);
    heading.node.textContent = trans.__('Spark');
    this.header.addWidget(heading);
    this.header.addWidget(
      ReactWidget.create(
        <UseSignal signal={model.changed}>
          {() => (
            <ErrorBanner message={model.error} onDismiss={() => model.dismissError(null)} trans={trans} />
          )}
        </UseSignal>
      )
    );
    model.changed.connect(this._syncSections, this);
    this._syncSections();
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._options.model.visible = true;
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this._options.model.visible = false;
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._options.model.visible = this.isVisible;
  }

  protected onBeforeDetach(msg: Message): void {
    this._options.model.visible = false;
    super.onBeforeDetach(msg);
  }

  private _syncSections(): void {
    const { model } = this._options;
    const wanted = model.endpoints.map(state => state.endpoint);
    const existing = new Map(this._sections.map(section => [section.endpoint, section]));
    for (const section of this._sections) {
      if (!wanted.some(endpoint => endpoint.name === section.endpoint)) {
        section.dispose();
      }
    }
    this._sections = wanted.map((endpoint, index) => {
      let section = existing.get(endpoint.name);
      if (section === undefined || section.isDisposed) {
        section = new EndpointSection({ ...this._options, endpoint: endpoint.name });
        this.insertWidget(index, section);
      }
      section.setUrl(endpoint.url);
      return section;
    });
  }

  private readonly _options: ISparkPanelOptions;
  private _sections: EndpointSection[] = [];
}
