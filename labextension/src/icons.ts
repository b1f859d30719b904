/**
 * The panel's icon.
 */

import { LabIcon } from '@jupyterlab/ui-components';

import sparkSvgstr from '../style/icons/spark.svg';

/** The "Spark" side panel's tab icon. */
export const sparkIcon = new LabIcon({ name: 'sparkwire:spark', svgstr: sparkSvgstr });
