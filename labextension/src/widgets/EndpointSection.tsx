/**
 * One endpoint's section of the panel: a toolbar (new session, submit batch) over its inline error,
 * sessions and batches.
 */

import { TranslationBundle } from '@jupyterlab/translation';
import {
  addIcon,
  PanelWithToolbar,
  ReactWidget,
  runIcon,
  ToolbarButton,
  UseSignal
} from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import React from 'react';

import { IEndpointState, ISparkModel } from '../tokens';
import { BatchList } from './BatchList';
import { SECTION_CLASS } from './classes';
import { CommandIDs } from './commandIds';
import { ErrorBanner } from './ErrorBanner';
import { SessionList } from './SessionList';

/** What a section needs. */
export interface IEndpointSectionOptions {
  model: ISparkModel;
  endpoint: string;
  commands: CommandRegistry;
  trans: TranslationBundle;
}

/** The body of a section: re-rendered whenever the model changes. */
class EndpointView extends ReactWidget {
  constructor(options: IEndpointSectionOptions) {
    super();
    this._options = options;
    this.addClass(`${SECTION_CLASS}-body`);
  }

  protected render(): JSX.Element {
    const { model, endpoint, commands, trans } = this._options;
    const run = (command: string, id: number): void => {
      void commands.execute(command, { endpoint, id });
    };
    return (
      <UseSignal signal={model.changed}>
        {() => {
          const state: IEndpointState | undefined = model.endpoints.find(e => e.endpoint.name === endpoint);
          if (state === undefined) {
            return <div />;
          }
          const now = Date.now();
          return (
            <div>
              <ErrorBanner
                message={state.error}
                onDismiss={() => model.dismissError(endpoint)}
                trans={trans}
              />
              <SessionList
                sessions={state.sessions}
                attachable={state.endpoint.default}
                loaded={state.loaded}
                now={now}
                trans={trans}
                actions={{
                  attach: id => run(CommandIDs.attach, id),
                  showLog: id => run(CommandIDs.sessionLog, id),
                  remove: id => run(CommandIDs.deleteSession, id)
                }}
              />
              <BatchList
                batches={state.batches}
                available={state.batchesAvailable}
                loaded={state.loaded}
                now={now}
                trans={trans}
                actions={{
                  showLog: id => run(CommandIDs.batchLog, id),
                  kill: id => run(CommandIDs.killBatch, id)
                }}
              />
            </div>
          );
        }}
      </UseSignal>
    );
  }

  private readonly _options: IEndpointSectionOptions;
}

/** A collapsible section of the side panel for one endpoint. */
export class EndpointSection extends PanelWithToolbar {
  /** @param options - the model, the endpoint's name, the commands and the translations. */
  constructor(options: IEndpointSectionOptions) {
    super();
    const { endpoint, commands, trans } = options;
    this.addClass(SECTION_CLASS);
    this.id = `sparkwire-endpoint-${encodeURIComponent(endpoint)}`;
    this.title.label = endpoint;
    this.endpoint = endpoint;
    this.toolbar.addItem(
      'new-session',
      new ToolbarButton({
        icon: addIcon,
        label: trans.__('Session'),
        tooltip: trans.__('New session on %1', endpoint),
        onClick: () => void commands.execute(CommandIDs.newSession, { endpoint })
      })
    );
    this.toolbar.addItem(
      'submit-batch',
      new ToolbarButton({
        icon: runIcon,
        label: trans.__('Batch'),
        tooltip: trans.__('Submit a batch to %1', endpoint),
        onClick: () => void commands.execute(CommandIDs.submitBatch, { endpoint })
      })
    );
    this.addWidget(new EndpointView(options));
  }

  /** The endpoint this section shows. */
  readonly endpoint: string;

  /** @param url - the endpoint's URL, shown as the section's tooltip. */
  setUrl(url: string): void {
    this.title.caption = url;
  }
}
