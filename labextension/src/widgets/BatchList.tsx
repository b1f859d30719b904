/**
 * The batches of one endpoint: id, name, coloured state, app id, and the actions (log, kill); or a
 * note when the endpoint offers no batches.
 */

import { TranslationBundle } from '@jupyterlab/translation';
import { listIcon, stopIcon } from '@jupyterlab/ui-components';
import React from 'react';

import { formatItemAge, isFinal, stateGroup } from '../format';
import { SparkAPI } from '../tokens';
import {
  HEADING_CLASS,
  ITEM_ACTIONS_CLASS,
  ITEM_CLASS,
  ITEM_DETAILS_CLASS,
  ITEM_HEADER_CLASS,
  LIST_CLASS,
  NOTE_CLASS,
  stateClass
} from './classes';
import { ItemButton } from './ItemButton';
import { AppLinks, ageTitle } from './SessionList';

/** What a batch row can ask for. */
export interface IBatchActions {
  showLog(id: number): void;
  kill(id: number): void;
}

/** Props of `BatchList`. */
export interface IBatchListProps {
  batches: readonly SparkAPI.IBatch[];
  available: boolean;
  loaded: boolean;
  now: number;
  actions: IBatchActions;
  trans: TranslationBundle;
}

/**
 * @param props - the batches and the row actions.
 * @returns the list, or a note when there are none or the endpoint has no batches.
 */
export function BatchList(props: IBatchListProps): JSX.Element {
  const { trans } = props;
  let note: string | null = null;
  if (!props.available) {
    note = trans.__('Batches are not available on this endpoint.');
  } else if (props.batches.length === 0) {
    note = props.loaded ? trans.__('No batches.') : trans.__('Loading…');
  }
  return (
    <section aria-label={trans.__('Batches')}>
      <h3 className={HEADING_CLASS}>{trans.__('Batches')}</h3>
      {note !== null ? (
        <p className={NOTE_CLASS}>{note}</p>
      ) : (
        <ul className={LIST_CLASS} aria-label={trans.__('Batches')}>
          {props.batches.map(batch => (
            <li
              key={batch.id}
              className={ITEM_CLASS}
              aria-label={trans.__('Batch %1', batch.id)}
              data-batch-id={batch.id}
              data-state={batch.state}
            >
              <div className={ITEM_HEADER_CLASS}>
                <span className={stateClass(stateGroup(batch.state))} title={trans.__('State')}>
                  {batch.state}
                </span>
                <span className="jp-SparkPanel-itemTitle">
                  {batch.name ? `#${batch.id} ${batch.name}` : `#${batch.id}`}
                </span>
                <span className="jp-SparkPanel-age" title={ageTitle(batch, trans)}>
                  {formatItemAge(batch, props.now)}
                </span>
              </div>
              <div className={ITEM_DETAILS_CLASS}>
                {(batch.proxyUser ?? batch.owner) && <span>{batch.proxyUser ?? batch.owner}</span>}
                {batch.appId && <span title={trans.__('Spark application id')}>{batch.appId}</span>}
                <AppLinks sparkUiUrl={batch.sparkUiUrl} driverLogUrl={batch.driverLogUrl} trans={trans} />
              </div>
              <div className={ITEM_ACTIONS_CLASS}>
                <ItemButton
                  icon={listIcon}
                  label={trans.__('Show log of batch %1', batch.id)}
                  onClick={() => props.actions.showLog(batch.id)}
                />
                <ItemButton
                  icon={stopIcon}
                  label={trans.__('Kill batch %1', batch.id)}
                  disabled={isFinal(batch.state)}
                  onClick={() => props.actions.kill(batch.id)}
                />
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
