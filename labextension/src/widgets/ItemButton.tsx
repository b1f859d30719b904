/**
 * A small icon button of a session or batch row, labelled for screen readers and tests.
 */

import { LabIcon } from '@jupyterlab/ui-components';
import React from 'react';

/** Props of `ItemButton`. */
export interface IItemButtonProps {
  icon: LabIcon;
  label: string;
  onClick: () => void;
  disabled?: boolean;
}

/**
 * @param props - the icon, the accessible label (also the tooltip) and the action.
 * @returns the button.
 */
export function ItemButton(props: IItemButtonProps): JSX.Element {
  return (
    <button
      className="jp-Button jp-mod-minimal jp-SparkPanel-itemButton"
      aria-label={props.label}
      title={props.label}
      disabled={props.disabled}
      onClick={props.onClick}
    >
      <props.icon.react tag="span" />
    </button>
  );
}
