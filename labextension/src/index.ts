/**
 * The plugins of sparkwire's JupyterLab extension: the "Spark" side panel and its commands.
 */

import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { SparkClient } from './client';
import { addCommands, CommandIDs } from './commands';
import { sparkIcon } from './icons';
import {
  DEFAULT_LOG_LINES,
  DEFAULT_MAX_REFRESH_INTERVAL,
  DEFAULT_REFRESH_INTERVAL,
  SparkModel
} from './model';
import { EXTENSION_ID, ISparkModel } from './tokens';
import { SparkPanel } from './widgets/SparkPanel';

export * from './tokens';

/** The side panel, its model and commands. */
const plugin: JupyterFrontEndPlugin<ISparkModel> = {
  id: `${EXTENSION_ID}:plugin`,
  description: 'A side panel listing Spark sessions and batches on every configured Livy endpoint.',
  autoStart: true,
  provides: ISparkModel,
  optional: [
    ILayoutRestorer,
    ISettingRegistry,
    ITranslator,
    IDocumentManager,
    IDefaultFileBrowser,
    ICommandPalette
  ],
  activate: async (
    app: JupyterFrontEnd,
    restorer: ILayoutRestorer | null,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null,
    docManager: IDocumentManager | null,
    fileBrowser: IDefaultFileBrowser | null,
    palette: ICommandPalette | null
  ): Promise<ISparkModel> => {
    translator = translator ?? nullTranslator;
    const trans = translator.load('sparkwire');
    let settings: ISettingRegistry.ISettings | null = null;
    if (settingRegistry) {
      try {
        settings = await settingRegistry.load(plugin.id);
      } catch (reason) {
        console.error(`${plugin.id}: could not load the settings; using defaults.`, reason);
      }
    }
    const setting = (key: string, fallback: number): number => {
      const value = settings?.get(key).composite;
      return typeof value === 'number' ? value : fallback;
    };
    const model = new SparkModel({
      client: new SparkClient(),
      refreshInterval: setting('refreshInterval', DEFAULT_REFRESH_INTERVAL),
      maxRefreshInterval: setting('maxRefreshInterval', DEFAULT_MAX_REFRESH_INTERVAL),
      logLines: setting('logLines', DEFAULT_LOG_LINES)
    });
    settings?.changed.connect(() => {
      model.logLines = setting('logLines', DEFAULT_LOG_LINES);
      model.setFrequency(
        setting('refreshInterval', DEFAULT_REFRESH_INTERVAL),
        setting('maxRefreshInterval', DEFAULT_MAX_REFRESH_INTERVAL)
      );
    });

    const panel = new SparkPanel({ model, commands: app.commands, translator, trans });
    panel.title.icon = sparkIcon;
    app.shell.add(panel, 'left', { rank: 650 });
    restorer?.add(panel, panel.id);

    addCommands({ app, model, panel, trans, docManager, fileBrowser });
    app.contextMenu.addItem({
      command: CommandIDs.submitBatch,
      selector: '.jp-DirListing-item[data-file-type="python"]',
      rank: 60
    });
    const category = trans.__('Spark');
    for (const command of [
      CommandIDs.open,
      CommandIDs.refresh,
      CommandIDs.newSession,
      CommandIDs.submitBatch
    ]) {
      palette?.addItem({ command, category });
    }
    return model;
  }
};

export default plugin;
