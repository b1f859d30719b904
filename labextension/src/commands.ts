/**
 * The panel's commands: what its buttons, the command palette and the file browser's context menu run.
 */

import { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { FileDialog, IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { Widget } from '@lumino/widgets';

import { attachNotebook } from './attach';
import { batchRequest, sessionRequest } from './forms';
import { ISparkModel, REMOTE_KERNEL_NAME } from './tokens';
import { CommandIDs } from './widgets/commandIds';
import { BatchFormBody, SessionFormBody } from './widgets/forms';
import { createLogWidget } from './widgets/LogView';

export { CommandIDs };

/** What the commands act on. */
export interface ICommandContext {
  app: JupyterFrontEnd;
  model: ISparkModel;
  panel: Widget;
  trans: TranslationBundle;
  docManager: IDocumentManager | null;
  fileBrowser: IDefaultFileBrowser | null;
}

function endpointArg(args: ReadonlyPartialJSONObject, model: ISparkModel): string | null {
  if (typeof args.endpoint === 'string') {
    return args.endpoint;
  }
  return model.endpoints[0]?.endpoint.name ?? null;
}

function idArg(args: ReadonlyPartialJSONObject): number {
  return Number(args.id);
}

async function confirm(
  title: string,
  body: string,
  label: string,
  trans: TranslationBundle
): Promise<boolean> {
  const result = await showDialog({
    title,
    body,
    buttons: [Dialog.cancelButton({ label: trans.__('Cancel') }), Dialog.warnButton({ label })]
  });
  return result.button.accept;
}

/**
 * Register the commands.
 *
 * @param context - the application, the model, the panel and optional services.
 */
export function addCommands(context: ICommandContext): void {
  const { app, model, panel, trans } = context;
  const { commands, shell } = app;

  const showLog = (args: ReadonlyPartialJSONObject, what: 'session' | 'batch'): void => {
    const endpoint = endpointArg(args, model);
    if (endpoint === null) {
      return;
    }
    const options = { model, endpoint, what, id: idArg(args), trans };
    const id = `sparkwire-log-${encodeURIComponent(endpoint)}-${what}-${options.id}`;
    for (const widget of shell.widgets('main')) {
      if (widget.id === id) {
        shell.activateById(id);
        return;
      }
    }
    shell.add(createLogWidget(options), 'main', { mode: 'split-right' });
  };

  const batchDialog = async (endpoint: string, path: string): Promise<void> => {
    const names = model.endpoints.map(state => state.endpoint.name);
    const result = await showDialog({
      title: trans.__('Submit a Spark batch'),
      body: new BatchFormBody(names, endpoint, path, trans),
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.okButton({ label: trans.__('Submit') })
      ]
    });
    if (!result.button.accept || result.value === null) {
      return;
    }
    try {
      await model.submitBatch(result.value.endpoint, batchRequest(result.value));
    } catch (error) {
      model.reportError(result.value.endpoint, error);
    }
  };

  commands.addCommand(CommandIDs.open, {
    label: trans.__('Show Spark Sessions'),
    execute: () => shell.activateById(panel.id)
  });

  commands.addCommand(CommandIDs.refresh, {
    label: trans.__('Refresh Spark Sessions'),
    execute: () => model.refresh()
  });

  commands.addCommand(CommandIDs.newSession, {
    label: trans.__('New Spark Session…'),
    execute: async args => {
      const endpoint = endpointArg(args, model);
      if (endpoint === null) {
        model.reportError(null, trans.__('No Livy endpoint is configured.'));
        return;
      }
      const kinds = await model.sessionKinds(endpoint);
      const result = await showDialog({
        title: trans.__('New session on %1', endpoint),
        body: new SessionFormBody(model.profiles, trans, kinds),
        buttons: [
          Dialog.cancelButton({ label: trans.__('Cancel') }),
          Dialog.okButton({ label: trans.__('Create') })
        ]
      });
      if (!result.button.accept || result.value === null) {
        return;
      }
      try {
        await model.createSession(endpoint, sessionRequest(result.value));
      } catch (error) {
        model.reportError(endpoint, error);
      }
    }
  });

  commands.addCommand(CommandIDs.deleteSession, {
    label: trans.__('Delete Spark Session'),
    execute: async args => {
      const endpoint = endpointArg(args, model);
      const id = idArg(args);
      if (
        endpoint !== null &&
        (await confirm(
          trans.__('Delete session %1?', id),
          trans.__(
            'This stops session %1 on %2 and its Spark application, for every notebook using it.',
            id,
            endpoint
          ),
          trans.__('Delete'),
          trans
        ))
      ) {
        await model.deleteSession(endpoint, id);
      }
    }
  });

  commands.addCommand(CommandIDs.sessionLog, {
    label: trans.__('Show Spark Session Log'),
    execute: args => showLog(args, 'session')
  });

  commands.addCommand(CommandIDs.batchLog, {
    label: trans.__('Show Spark Batch Log'),
    execute: args => showLog(args, 'batch')
  });

  commands.addCommand(CommandIDs.attach, {
    label: trans.__('Attach a Notebook to the Spark Session'),
    execute: async args => {
      const endpoint = endpointArg(args, model);
      if (endpoint === null) {
        return;
      }
      try {
        const { kernelspecs, contents } = app.serviceManager;
        await kernelspecs.ready;
        const spec = kernelspecs.specs?.kernelspecs[REMOTE_KERNEL_NAME];
        if (!spec) {
          throw new Error(
            trans.__(
              'The Remote PySpark kernel (%1) is not installed: run "sparkwire install-kernel --sys-prefix", then reload.',
              REMOTE_KERNEL_NAME
            )
          );
        }
        const directory = context.fileBrowser?.model.path ?? '';
        const created = await contents.newUntitled({ path: directory, type: 'notebook' });
        await contents.save(created.path, {
          type: 'notebook',
          format: 'json',
          content: attachNotebook(endpoint, idArg(args), spec.display_name)
        });
        await commands.execute('docmanager:open', {
          path: created.path,
          factory: 'Notebook',
          kernel: { name: REMOTE_KERNEL_NAME }
        });
      } catch (error) {
        model.reportError(endpoint, error);
      }
    }
  });

  commands.addCommand(CommandIDs.submitBatch, {
    label: args =>
      typeof args.endpoint === 'string' || context.fileBrowser === null
        ? trans.__('Submit Spark Batch…')
        : trans.__('Submit as Spark Batch…'),
    execute: async args => {
      const endpoint = endpointArg(args, model);
      if (endpoint === null) {
        model.reportError(null, trans.__('No Livy endpoint is configured.'));
        return;
      }
      let path = typeof args.path === 'string' ? args.path : '';
      if (!path && typeof args.endpoint !== 'string' && context.fileBrowser) {
        // From the file browser's context menu: the file right-clicked.
        const selected = context.fileBrowser.selectedItems().next();
        path = !selected.done && selected.value.type !== 'directory' ? selected.value.path : '';
      } else if (!path && context.docManager) {
        const picked = await FileDialog.getOpenFiles({
          manager: context.docManager,
          title: trans.__('Choose the application to run'),
          filter: item => (item.type === 'directory' || /\.(py|jar|zip|egg)$/i.test(item.name) ? {} : null)
        });
        if (!picked.button.accept) {
          return;
        }
        path = picked.value?.find(item => item.type !== 'directory')?.path ?? '';
      }
      await batchDialog(endpoint, path);
    }
  });

  commands.addCommand(CommandIDs.killBatch, {
    label: trans.__('Kill Spark Batch'),
    execute: async args => {
      const endpoint = endpointArg(args, model);
      const id = idArg(args);
      if (
        endpoint !== null &&
        (await confirm(
          trans.__('Kill batch %1?', id),
          trans.__('This stops batch %1 on %2.', id, endpoint),
          trans.__('Kill'),
          trans
        ))
      ) {
        await model.deleteBatch(endpoint, id);
      }
    }
  });
}
