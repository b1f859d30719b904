/**
 * An inline error with a dismiss button: the panel's way to report failures (never an alert).
 */

import { closeIcon } from '@jupyterlab/ui-components';
import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { ERROR_CLASS } from './classes';

/** Props of `ErrorBanner`. */
export interface IErrorBannerProps {
  message: string | null;
  onDismiss: () => void;
  trans: TranslationBundle;
}

/**
 * @param props - the message (nothing is rendered for null) and what dismissing does.
 * @returns the banner.
 */
export function ErrorBanner(props: IErrorBannerProps): JSX.Element | null {
  if (props.message === null) {
    return null;
  }
  return (
    <div className={ERROR_CLASS} role="alert">
      <span className={`${ERROR_CLASS}-text`}>{props.message}</span>
      <button
        className={`${ERROR_CLASS}-dismiss jp-Button jp-mod-minimal`}
        aria-label={props.trans.__('Dismiss error')}
        title={props.trans.__('Dismiss')}
        onClick={props.onDismiss}
      >
        <closeIcon.react tag="span" />
      </button>
    </div>
  );
}
