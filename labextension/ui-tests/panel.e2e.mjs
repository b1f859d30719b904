// End-to-end check of the "Spark" panel in a real JupyterLab, driven by playwright-core in the
// machine's Chromium (no browser download). tests/panel/test_e2e.py starts the gateway and
// JupyterLab, then runs this script; it prints one JSON line per step and exits non-zero on failure.
//
// Environment: LAB_URL, LAB_TOKEN, ENDPOINT (the section to use), CHROMIUM (executable path),
// SCREENSHOT_DIR (where the PNGs go), SESSION_TIMEOUT_MS (how long a session may take to start).

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

const env = process.env;
const LAB_URL = env.LAB_URL;
const ENDPOINT = env.ENDPOINT ?? 'gateway';
const SCREENSHOT_DIR = env.SCREENSHOT_DIR ?? 'test-output';
const SESSION_TIMEOUT = Number(env.SESSION_TIMEOUT_MS ?? 150000);
const FINAL = ['dead', 'killed', 'error', 'success'];

const started = Date.now();
function report(step, extra = {}) {
  console.log(JSON.stringify({ step, seconds: (Date.now() - started) / 1000, ...extra }));
}

mkdirSync(SCREENSHOT_DIR, { recursive: true });
const browser = await chromium.launch({
  executablePath: env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync'
  ]
});
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
const problems = [];
// The panel must report errors inline: any alert/confirm/prompt is a failure.
page.on('dialog', dialog => {
  problems.push(`unexpected browser dialog: ${dialog.message()}`);
  void dialog.dismiss();
});
page.on('pageerror', error => problems.push(`page error: ${error.message}`));
page.on('console', message => {
  if (message.type() === 'error' && /sparkwire/i.test(message.text())) {
    problems.push(`console error: ${message.text()}`);
  }
});

// Wait for `locator`; if the section shows an inline error instead, fail with its text at once.
async function failOnInlineError(locator, section, timeout) {
  const alert = section.getByRole('alert');
  await locator.or(alert).first().waitFor({ timeout });
  if ((await alert.count()) > 0) {
    throw new Error(`the panel reported: ${await alert.first().textContent()}`);
  }
}

async function screenshot(name) {
  const path = join(SCREENSHOT_DIR, name);
  await page.screenshot({ path });
  report('screenshot', { path });
}

try {
  await page.goto(`${LAB_URL}/lab?token=${env.LAB_TOKEN}`);
  await page.waitForSelector('#jupyterlab-splash', { state: 'detached', timeout: 60000 });
  await page.locator('.jp-LabShell').waitFor({ timeout: 60000 });
  report('lab loaded');

  // Open the panel from its side-bar tab.
  await page.getByRole('tab', { name: 'Spark sessions and batches' }).click();
  const panel = page.locator('#sparkwire-panel');
  await panel.waitFor({ state: 'visible' });
  const title = panel.locator('.lm-AccordionPanel-title', { hasText: ENDPOINT });
  await title.waitFor();
  const section = panel.locator(`#sparkwire-endpoint-${encodeURIComponent(ENDPOINT)}`);
  await section.getByRole('heading', { name: 'Sessions' }).waitFor();
  report('panel open');

  // A mistake in the form is reported inline in the section, and can be dismissed.
  await title.getByRole('button', { name: 'Session' }).click();
  await page.getByRole('dialog').getByLabel('Session properties (JSON)').fill('{"driverMemory": 2g}');
  await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
  const inline = section.getByRole('alert');
  await inline.filter({ hasText: 'Session properties is not valid JSON' }).waitFor({ timeout: 5000 });
  report('inline error shown', { text: await inline.textContent() });
  await inline.getByRole('button', { name: 'Dismiss error' }).click();
  await inline.waitFor({ state: 'detached' });

  // New session: the dialog's kind and name, then Create.
  const name = `e2e-${Math.random().toString(36).slice(2, 8)}`;
  await title.getByRole('button', { name: 'Session' }).click();
  const dialog = page.getByRole('dialog');
  // Only the kinds the endpoint runs (the gateway: pyspark, sql, shared).
  // The dialog opens once the endpoint's kinds are known: wait for it before reading them.
  await dialog.getByLabel('Kind').waitFor({ timeout: 20000 });
  const kinds = await dialog.getByLabel('Kind').locator('option').allTextContents();
  report('session kinds offered', { kinds });
  await dialog.getByLabel('Kind').selectOption('pyspark');
  await dialog.getByLabel('Name').fill(name);
  await dialog
    .getByLabel('Session properties (JSON)')
    .fill('{"conf": {"spark.sql.shuffle.partitions": "2"}}');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await dialog.waitFor({ state: 'detached' });
  const item = section.getByRole('listitem').filter({ hasText: name });
  await failOnInlineError(item, section, 20000);
  const id = await item.getAttribute('data-session-id');
  report('session created', { id, name, state: await item.getAttribute('data-state') });

  // The list refreshes by itself until the session is idle.
  await section
    .locator(`.jp-SparkPanel-item[data-session-id="${id}"][data-state="idle"]`)
    .waitFor({ timeout: SESSION_TIMEOUT });
  const state = item.locator('.jp-SparkPanel-state');
  if ((await state.textContent()) !== 'idle' || !(await state.getAttribute('class')).includes('state-idle')) {
    throw new Error('the idle state is not shown in its colour');
  }
  report('session idle', { details: await item.locator('.jp-SparkPanel-itemDetails').textContent() });
  // The Spark UI link goes through the gateway's authenticated proxy, not to the driver's address.
  const uiLink = await item.getByRole('link', { name: 'Spark UI' }).getAttribute('href');
  if (!uiLink?.endsWith(`/sessions/${id}/ui/`)) {
    throw new Error(`the Spark UI link is not the gateway's proxy: ${uiLink}`);
  }
  await screenshot('panel-session-idle.png');

  // Attach: a new Remote PySpark notebook whose first cell joins the session.
  await item.getByRole('button', { name: `Attach a notebook to session ${id}` }).click();
  const notebook = page.locator('.jp-NotebookPanel:visible');
  await notebook.locator('.jp-Cell .cm-content', { hasText: `%attach ${id}` }).waitFor({ timeout: 30000 });
  await notebook.locator('.jp-Toolbar-kernelName', { hasText: 'Remote PySpark' }).waitFor({ timeout: 30000 });
  report('notebook attached', {
    tab: await page.locator('.lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel').first().textContent()
  });
  await screenshot('panel-attach-notebook.png');

  // Run the attach cell, then a multi-stage Spark job of a few seconds: while it runs, the live view
  // under the cell is a widget listing its job and stages with task progress; when done it collapses
  // to one summary line.
  const cells = notebook.locator('.jp-CodeCell');
  const runCell = async index => {
    const cell = cells.nth(index);
    await cell.locator('.cm-content').click();
    await page.keyboard.press('Shift+Enter');
    return cell;
  };
  const finished = (cell, timeout) =>
    cell
      .locator('.jp-InputPrompt')
      .filter({ hasText: /\[\d+\]/ })
      .waitFor({ timeout });
  // A cell run before the kernel is connected would be dropped: wait until it is idle.
  await page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').waitFor({ timeout: 60000 });
  await finished(await runCell(0), 60000);
  if ((await cells.count()) < 2) {
    throw new Error('running the last cell did not add a new one');
  }
  await cells.nth(1).locator('.cm-content').fill(env.JOBS_CELL);
  const jobsCell = await runCell(1);
  const live = jobsCell.locator('.jp-OutputArea-output .sparkwire-jobs');
  await live
    .filter({ hasText: 'RUNNING' })
    .filter({ hasText: /stage \d+/ })
    .waitFor({ timeout: 60000 });
  const firstText = await live.textContent();
  const asWidget = (await jobsCell.locator('.widget-html-content .sparkwire-jobs').count()) > 0;
  const busy = await page.locator('.jp-Notebook-ExecutionIndicator[data-status="busy"]').count();
  // It updates in place while the job still runs (its duration, its tasks done).
  let liveText = null;
  for (const deadline = Date.now() + 60000; Date.now() < deadline;) {
    const text = await live.textContent({ timeout: 1000 }).catch(() => null);
    if (text && text.includes('RUNNING') && text !== firstText) {
      liveText = text;
      break;
    }
    await page.waitForTimeout(200);
  }
  if (liveText === null) {
    throw new Error(`the live view did not update while the job ran: ${firstText}`);
  }
  report('live jobs shown', { firstText, text: liveText, widget: asWidget, kernelBusy: busy > 0 });
  await screenshot('notebook-jobs-live.png');
  await finished(jobsCell, 120000);
  const summary = jobsCell.locator('.jp-OutputArea-output .sparkwire-jobs-summary');
  await summary.waitFor({ timeout: 10000 });
  const outputs = await jobsCell.locator('.jp-OutputArea-output').allTextContents();
  report('live jobs collapsed', {
    summary: await summary.textContent(),
    liveLeft: await live.count(),
    outputs
  });
  await screenshot('notebook-jobs-done.png');

  // Its log opens in the main area and refreshes.
  await item.getByRole('button', { name: `Show log of session ${id}` }).click();
  const log = page.locator(`#sparkwire-log-${encodeURIComponent(ENDPOINT)}-session-${id}`);
  const logText = log.getByLabel('Log', { exact: true });
  await logText.filter({ hasText: 'sparkwire: session ready' }).waitFor({ timeout: 20000 });
  await log.getByRole('button', { name: 'Refresh' }).click();
  await logText.filter({ hasText: 'sparkwire: session ready' }).waitFor();
  report('log shown', { lines: (await logText.textContent()).split('\n').length });
  await screenshot('panel-session-log.png');

  // Delete it, confirming in the dialog; the list then shows it ended (or drops it).
  await item.getByRole('button', { name: `Delete session ${id}` }).click();
  const confirm = page.getByRole('dialog');
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await page.waitForFunction(
    ([sessionId, finalStates]) => {
      const row = document.querySelector(
        `#sparkwire-panel .jp-SparkPanel-item[data-session-id="${sessionId}"]`
      );
      return row === null || finalStates.includes(row.getAttribute('data-state'));
    },
    [id, FINAL],
    { timeout: 60000 }
  );
  report('session deleted', {
    state: (await item.count()) > 0 ? await item.getAttribute('data-state') : 'gone'
  });
  await screenshot('panel-session-deleted.png');
  // A batch from the file browser's context menu, then killed from the panel.
  if (env.BATCH_FILE) {
    await page.getByRole('tab', { name: /File Browser/ }).click();
    await page.locator('.jp-DirListing-item', { hasText: env.BATCH_FILE }).click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Submit as Spark Batch…' }).click();
    const form = page.getByRole('dialog');
    if ((await form.getByLabel('Application file').inputValue()) !== env.BATCH_FILE) {
      throw new Error('the batch form does not hold the file picked in the file browser');
    }
    await form.getByLabel('Arguments').fill('--seconds "90"');
    await form.getByRole('button', { name: 'Submit' }).click();
    await form.waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: 'Spark sessions and batches' }).click();
    const batchItem = section.locator('.jp-SparkPanel-item[data-batch-id]').last();
    await failOnInlineError(batchItem, section, 20000);
    const batchId = await batchItem.getAttribute('data-batch-id');
    report('batch submitted', { id: batchId, state: await batchItem.getAttribute('data-state') });
    await screenshot('panel-batch-submitted.png');

    // Its log, followed: a line the batch prints after Follow is ticked appears without a refresh.
    await batchItem.getByRole('button', { name: `Show log of batch ${batchId}` }).click();
    const batchLog = page.locator(`#sparkwire-log-${encodeURIComponent(ENDPOINT)}-batch-${batchId}`);
    const batchText = batchLog.getByLabel('Log', { exact: true });
    await batchText.waitFor();
    await batchLog.getByLabel('Follow').check();
    const ticks = async () => ((await batchText.textContent()).match(/sleepy: tick \d+/g) ?? []).length;
    const before = await ticks();
    await page.waitForFunction(
      ([selector, count]) =>
        ((document.querySelector(selector)?.textContent ?? '').match(/sleepy: tick \d+/g) ?? []).length >
        count,
      [`#sparkwire-log-${encodeURIComponent(ENDPOINT)}-batch-${batchId} pre`, before + 2],
      { timeout: 90000 }
    );
    report('log followed', {
      ticksBefore: before,
      ticksAfter: await ticks(),
      status: await batchLog.locator('.jp-SparkLog-status').textContent()
    });
    await screenshot('panel-batch-log-follow.png');
    await batchLog.getByLabel('Search the log').fill('tick');
    const matches = (await batchText.textContent()).split('\n');
    if (!matches.every(line => /^\d+: .*tick/i.test(line))) {
      throw new Error(`the search shows lines without the text: ${matches.slice(0, 3).join(' | ')}`);
    }
    report('log searched', { matches: matches.length });
    await screenshot('panel-batch-log-search.png');
    // While it runs, its Spark UI link is the gateway's proxy, and Spark's UI answers behind it.
    const batchUi = batchItem.getByRole('link', { name: 'Spark UI' });
    await batchUi.waitFor({ timeout: 60000 });
    const batchUiUrl = await batchUi.getAttribute('href');
    const uiPage = await page.request.get(`${batchUiUrl}jobs/`);
    report('batch spark ui', {
      url: batchUiUrl,
      status: uiPage.status(),
      sparkJobs: (await uiPage.text()).includes('Spark Jobs')
    });
    await batchItem.getByRole('button', { name: `Kill batch ${batchId}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Kill' }).click();
    await section
      .locator(
        `.jp-SparkPanel-item[data-batch-id="${batchId}"]:is(${FINAL.map(s => `[data-state="${s}"]`).join(',')})`
      )
      .waitFor({ timeout: 60000 });
    report('batch killed', { state: await batchItem.getAttribute('data-state') });
    await screenshot('panel-batch-killed.png');
  }

  const errors = await panel.getByRole('alert').allTextContents();
  if (errors.some(text => text.trim() !== '')) {
    throw new Error(`the panel shows errors: ${errors.join(' | ')}`);
  }
  if (problems.length > 0) {
    throw new Error(problems.join('\n'));
  }
  report('done');
} catch (error) {
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'panel-failure.png') }).catch(() => undefined);
  report('failed', { error: String(error?.message ?? error), problems });
  process.exitCode = 1;
} finally {
  await browser.close();
}
