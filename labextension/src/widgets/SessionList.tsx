/**
 * The sessions of one endpoint: id, name, kind, coloured state, owner or proxy user, app id, age,
 * Spark UI and driver log links, and the actions (attach, log, delete).
 */

import { TranslationBundle } from '@jupyterlab/translation';
import { deleteIcon, listIcon, notebookIcon } from '@jupyterlab/ui-components';
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

/**
 * @param item - a session or batch.
 * @param trans - the translations.
 * @returns the tooltip of its age.
 */
export function ageTitle(item: { seenAtStart?: boolean }, trans: TranslationBundle): string {
  return item.seenAtStart
    ? trans.__('Already there when this server first listed the endpoint: at least this old')
    : trans.__('Seen by this server for');
}

/** What a session row can ask for. */
export interface ISessionActions {
  attach(id: number): void;
  showLog(id: number): void;
  remove(id: number): void;
}

/** Props of `SessionList`. */
export interface ISessionListProps {
  sessions: readonly SparkAPI.ISession[];
  /** Whether "attach" can join these sessions (the kernel's `%attach ID` uses the default endpoint). */
  attachable: boolean;
  loaded: boolean;
  now: number;
  actions: ISessionActions;
  trans: TranslationBundle;
}

/** Props of `AppLinks`. */
export interface IAppLinksProps {
  sparkUiUrl: string | null;
  driverLogUrl: string | null;
  trans: TranslationBundle;
}

/**
 * @param props - the application's links; absent ones are not shown.
 * @returns the links, opening in a new tab.
 */
export function AppLinks(props: IAppLinksProps): JSX.Element | null {
  if (!props.sparkUiUrl && !props.driverLogUrl) {
    return null;
  }
  return (
    <span className="jp-SparkPanel-links">
      {props.sparkUiUrl && (
        <a href={props.sparkUiUrl} target="_blank" rel="noopener noreferrer">
          {props.trans.__('Spark UI')}
        </a>
      )}
      {props.driverLogUrl && (
        <a href={props.driverLogUrl} target="_blank" rel="noopener noreferrer">
          {props.trans.__('driver log')}
        </a>
      )}
    </span>
  );
}

function sessionTitle(session: SparkAPI.ISession): string {
  return session.name ? `#${session.id} ${session.name}` : `#${session.id}`;
}

/**
 * @param props - the sessions and the row actions.
 * @returns the list, or a note when there are none.
 */
export function SessionList(props: ISessionListProps): JSX.Element {
  const { trans } = props;
  return (
    <section aria-label={trans.__('Sessions')}>
      <h3 className={HEADING_CLASS}>{trans.__('Sessions')}</h3>
      {props.sessions.length === 0 ? (
        <p className={NOTE_CLASS}>{props.loaded ? trans.__('No sessions.') : trans.__('Loading…')}</p>
      ) : (
        <ul className={LIST_CLASS} aria-label={trans.__('Sessions')}>
          {props.sessions.map(session => {
            const user = session.proxyUser ?? session.owner;
            const ended = isFinal(session.state);
            return (
              <li
                key={session.id}
                className={ITEM_CLASS}
                aria-label={trans.__('Session %1', session.id)}
                data-session-id={session.id}
                data-state={session.state}
              >
                <div className={ITEM_HEADER_CLASS}>
                  <span className={stateClass(stateGroup(session.state))} title={trans.__('State')}>
                    {session.state}
                  </span>
                  <span className="jp-SparkPanel-itemTitle">{sessionTitle(session)}</span>
                  {session.kind && <span className="jp-SparkPanel-kind">{session.kind}</span>}
                  <span className="jp-SparkPanel-age" title={ageTitle(session, trans)}>
                    {formatItemAge(session, props.now)}
                  </span>
                </div>
                <div className={ITEM_DETAILS_CLASS}>
                  {user && <span title={trans.__('Owner or proxy user')}>{user}</span>}
                  {session.appId && <span title={trans.__('Spark application id')}>{session.appId}</span>}
                  <AppLinks
                    sparkUiUrl={session.sparkUiUrl}
                    driverLogUrl={session.driverLogUrl}
                    trans={trans}
                  />
                </div>
                <div className={ITEM_ACTIONS_CLASS}>
                  <ItemButton
                    icon={notebookIcon}
                    label={
                      props.attachable
                        ? trans.__('Attach a notebook to session %1', session.id)
                        : trans.__('Notebooks attach to sessions of the default endpoint only')
                    }
                    disabled={ended || !props.attachable}
                    onClick={() => props.actions.attach(session.id)}
                  />
                  <ItemButton
                    icon={listIcon}
                    label={trans.__('Show log of session %1', session.id)}
                    onClick={() => props.actions.showLog(session.id)}
                  />
                  <ItemButton
                    icon={deleteIcon}
                    label={trans.__('Delete session %1', session.id)}
                    disabled={ended}
                    onClick={() => props.actions.remove(session.id)}
                  />
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
