/**
 * The bodies of the "new session" and "submit batch" dialogs: plain labelled inputs whose raw values
 * `getValue` returns; `../forms.ts` parses them after the dialog closes.
 */

import { Dialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { IBatchForm, ISessionForm } from '../forms';
import { SESSION_KINDS } from '../tokens';
import { FORM_CLASS } from './classes';

type Field = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

function addField<T extends Field>(form: HTMLElement, label: string, field: T, hint?: string): T {
  const wrapper = document.createElement('label');
  wrapper.className = `${FORM_CLASS}-field`;
  const text = document.createElement('span');
  text.className = `${FORM_CLASS}-label`;
  text.textContent = label;
  wrapper.append(text, field);
  if (hint) {
    const small = document.createElement('small');
    small.className = `${FORM_CLASS}-hint`;
    small.textContent = hint;
    wrapper.append(small);
  }
  field.classList.add('jp-mod-styled');
  form.append(wrapper);
  return field;
}

function input(value = '', placeholder = ''): HTMLInputElement {
  const element = document.createElement('input');
  element.type = 'text';
  element.value = value;
  element.placeholder = placeholder;
  return element;
}

function textarea(placeholder: string): HTMLTextAreaElement {
  const element = document.createElement('textarea');
  element.rows = 4;
  element.placeholder = placeholder;
  element.spellcheck = false;
  return element;
}

function select(options: [string, string][], value: string): HTMLSelectElement {
  const element = document.createElement('select');
  for (const [optionValue, label] of options) {
    const option = document.createElement('option');
    option.value = optionValue;
    option.textContent = label;
    element.append(option);
  }
  element.value = value;
  return element;
}

/** The "new session" form. */
export class SessionFormBody extends Widget implements Dialog.IBodyWidget<ISessionForm> {
  /**
   * @param profiles - the configured profile names (the select is left out when there are none).
   * @param trans - the translations.
   * @param kinds - the session kinds the endpoint runs (see `ISparkModel.sessionKinds`).
   */
  constructor(
    profiles: readonly string[],
    trans: TranslationBundle,
    kinds: readonly string[] = SESSION_KINDS
  ) {
    super();
    this.addClass(FORM_CLASS);
    this._kind = addField(
      this.node,
      trans.__('Kind'),
      select(
        kinds.map(kind => [kind, kind]),
        kinds.includes('pyspark') ? 'pyspark' : kinds[0]
      )
    );
    this._name = addField(
      this.node,
      trans.__('Name'),
      input('', trans.__('optional, unique on the endpoint'))
    );
    if (profiles.length > 0) {
      this._profile = addField(
        this.node,
        trans.__('Profile'),
        select([['', trans.__('(none)')], ...profiles.map((p): [string, string] => [p, p])], '')
      );
    }
    this._properties = addField(
      this.node,
      trans.__('Session properties (JSON)'),
      textarea('{"driverMemory": "2g", "conf": {"spark.sql.shuffle.partitions": "8"}}'),
      // As an argument, so that gettext's %% handling leaves the magic's name alone.
      trans.__('Livy session fields, as %1 takes them; Spark settings go in "conf".', '%%configure')
    );
  }

  /** @returns the raw values. */
  getValue(): ISessionForm {
    return {
      kind: this._kind.value,
      name: this._name.value,
      profile: this._profile?.value ?? '',
      properties: this._properties.value
    };
  }

  private readonly _kind: HTMLSelectElement;
  private readonly _name: HTMLInputElement;
  private readonly _profile: HTMLSelectElement | null = null;
  private readonly _properties: HTMLTextAreaElement;
}

/** The raw values of the batch form, with the endpoint chosen. */
export interface IBatchFormValue extends IBatchForm {
  endpoint: string;
}

/** The "submit batch" form. */
export class BatchFormBody extends Widget implements Dialog.IBodyWidget<IBatchFormValue> {
  /**
   * @param endpoints - the endpoint names (a select is shown when there are several).
   * @param endpoint - the endpoint chosen at first.
   * @param path - the file picked in the file browser, or ''.
   * @param trans - the translations.
   */
  constructor(endpoints: readonly string[], endpoint: string, path: string, trans: TranslationBundle) {
    super();
    this.addClass(FORM_CLASS);
    this._endpoint = addField(
      this.node,
      trans.__('Endpoint'),
      select(
        endpoints.map(name => [name, name]),
        endpoint
      )
    );
    this._endpoint.disabled = endpoints.length < 2;
    this._path = addField(
      this.node,
      trans.__('Application file'),
      input(path, 'jobs/pi.py'),
      trans.__('A file of this Jupyter server, or a path the Livy server reads (hdfs:///..., /opt/...).')
    );
    this._name = addField(this.node, trans.__('Name'), input('', trans.__('optional')));
    this._className = addField(this.node, trans.__('Main class'), input('', trans.__('for a jar only')));
    this._args = addField(this.node, trans.__('Arguments'), input('', '--input "data.csv" -n 3'));
    this._conf = addField(
      this.node,
      trans.__('Spark conf (JSON)'),
      textarea('{"spark.executor.memory": "2g"}')
    );
  }

  /** @returns the raw values. */
  getValue(): IBatchFormValue {
    return {
      endpoint: this._endpoint.value,
      path: this._path.value,
      name: this._name.value,
      className: this._className.value,
      args: this._args.value,
      conf: this._conf.value
    };
  }

  private readonly _endpoint: HTMLSelectElement;
  private readonly _path: HTMLInputElement;
  private readonly _name: HTMLInputElement;
  private readonly _className: HTMLInputElement;
  private readonly _args: HTMLInputElement;
  private readonly _conf: HTMLTextAreaElement;
}
