import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { SparkModel } from '../src/model';
import { SparkRequestError } from '../src/tokens';
import { batch, FakeClient, session } from './fakeClient';

let client: FakeClient;
let model: SparkModel;

function makeModel(options: { refreshInterval?: number; logLines?: number } = {}): SparkModel {
  model = new SparkModel({
    client,
    refreshInterval: options.refreshInterval ?? 1000,
    logLines: options.logLines
  });
  return model;
}

function countCalls(prefix: string): number {
  return client.calls.filter(call => call.startsWith(prefix)).length;
}

beforeEach(() => {
  client = new FakeClient();
});

afterEach(() => {
  model?.dispose();
  vi.useRealTimers();
});

describe('refresh', () => {
  it('loads every endpoint with its sessions and batches, sorted by id', async () => {
    client.endpointList.push({
      name: 'prod',
      url: 'https://livy.example:8998',
      auth: 'basic',
      default: false
    });
    client.profiles = ['big'];
    client.sessionLists.set('local', [session(3), session(1, 'starting')]);
    client.batchLists.set('prod', { available: true, batches: [batch(5)] });
    makeModel();
    const changed = vi.fn();
    model.changed.connect(changed);

    await model.refresh();

    expect(model.endpoints.map(e => e.endpoint.name)).toEqual(['local', 'prod']);
    const [local, prod] = model.endpoints;
    expect(local.sessions.map(s => s.id)).toEqual([1, 3]);
    expect(local.loaded && prod.loaded).toBe(true);
    expect(prod.batches.map(b => b.id)).toEqual([5]);
    expect(model.profiles).toEqual(['big']);
    expect(model.error).toBeNull();
    expect(changed).toHaveBeenCalled();
  });

  it('notes an endpoint without batches instead of failing', async () => {
    client.batchLists.set('local', { available: false, batches: [] });
    makeModel();
    await model.refresh();
    expect(model.endpoints[0].batchesAvailable).toBe(false);
    expect(model.endpoints[0].error).toBeNull();
  });

  it('shows a failing endpoint inline, once, and keeps the others', async () => {
    client.endpointList.push({ name: 'down', url: 'http://10.0.0.1:8998', auth: 'none', default: false });
    client.failing.set('down', new SparkRequestError('http://10.0.0.1:8998 is unreachable', 502));
    client.sessionLists.set('local', [session(1)]);
    makeModel();

    await model.refresh();

    const [local, down] = model.endpoints;
    expect(local.sessions).toHaveLength(1);
    expect(local.error).toBeNull();
    expect(down.error).toBe('http://10.0.0.1:8998 is unreachable');
    expect(down.loaded).toBe(false);

    client.failing.clear();
    await model.refresh();
    expect(model.endpoints[1].error).toBeNull();
  });

  it('shows a failure to list the endpoints as the panel error', async () => {
    client.failing.set('endpoints', new SparkRequestError('ConfigError: bad file', 500));
    makeModel();
    await model.refresh();
    expect(model.error).toBe('ConfigError: bad file');
    model.dismissError(null);
    expect(model.error).toBeNull();
  });

  it('forgets endpoints removed from the configuration', async () => {
    client.endpointList.push({ name: 'old', url: 'http://old:8998', auth: 'none', default: false });
    makeModel();
    await model.refresh();
    client.endpointList.pop();
    await model.refresh();
    expect(model.endpoints.map(e => e.endpoint.name)).toEqual(['local']);
  });

  it('shares one reload between concurrent refreshes', async () => {
    makeModel();
    await Promise.all([model.refresh(), model.refresh(), model.refresh()]);
    expect(countCalls('endpoints')).toBe(1);
  });
});

describe('polling', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  it('never polls while the panel is hidden', async () => {
    makeModel({ refreshInterval: 1000 });
    await vi.advanceTimersByTimeAsync(10000);
    expect(countCalls('endpoints')).toBe(0);
  });

  it('refreshes at once when shown, then every interval, and stops when hidden', async () => {
    makeModel({ refreshInterval: 1000 });
    model.visible = true;
    await vi.advanceTimersByTimeAsync(50);
    expect(countCalls('endpoints')).toBe(1);
    await vi.advanceTimersByTimeAsync(3000);
    expect(countCalls('endpoints')).toBeGreaterThanOrEqual(3);
    expect(countCalls('endpoints')).toBeLessThanOrEqual(5);

    model.visible = false;
    const before = countCalls('endpoints');
    await vi.advanceTimersByTimeAsync(10000);
    expect(countCalls('endpoints')).toBeLessThanOrEqual(before + 1); // a tick already scheduled may run
    const hidden = countCalls('endpoints');
    await vi.advanceTimersByTimeAsync(10000);
    expect(countCalls('endpoints')).toBe(hidden);
  });

  it('backs off while an endpoint fails and recovers the interval after', async () => {
    client.failing.set('local', new SparkRequestError('unreachable', 502));
    makeModel({ refreshInterval: 1000 });
    model.visible = true;
    await vi.advanceTimersByTimeAsync(60000);
    const failing = countCalls('endpoints');
    // Without backoff: 60 polls a minute. With it, intervals grow toward the 30 s cap.
    expect(failing).toBeGreaterThanOrEqual(3);
    expect(failing).toBeLessThan(20);

    client.failing.clear();
    await model.refresh(); // e.g. the user's refresh button: succeeds
    await vi.advanceTimersByTimeAsync(31000); // at most one backed-off wait, then the base interval
    const start = countCalls('endpoints');
    await vi.advanceTimersByTimeAsync(5000);
    expect(countCalls('endpoints') - start).toBeGreaterThanOrEqual(4);
  });

  it('takes new intervals from the settings', () => {
    makeModel({ refreshInterval: 1000 });
    model.setFrequency(5000, 60000);
    expect(model.frequency.interval).toBe(5000);
    expect(model.frequency.max).toBe(60000);
  });
});

describe('actions', () => {
  beforeEach(async () => {
    client.sessionLists.set('local', [session(1)]);
    makeModel({ logLines: 50 });
    await model.refresh();
  });

  it('creates a session and lists it at once', async () => {
    const created = await model.createSession('local', { kind: 'pyspark', name: 'etl' });
    expect(created?.id).toBe(100);
    expect(model.endpoints[0].sessions.map(s => [s.id, s.state])).toEqual([
      [1, 'idle'],
      [100, 'starting']
    ]);
    expect(client.calls).toContain('create local {"kind":"pyspark","name":"etl"}');
  });

  it('shows a failed action inline until dismissed, even across refreshes', async () => {
    client.failing.set('local', new SparkRequestError('unknown session kind "cobol"', 400));
    expect(await model.createSession('local', { kind: 'cobol' })).toBeNull();
    expect(model.endpoints[0].error).toBe('unknown session kind "cobol"');
    client.failing.clear();
    await model.refresh();
    expect(model.endpoints[0].error).toBe('unknown session kind "cobol"');
    model.dismissError('local');
    expect(model.endpoints[0].error).toBeNull();
  });

  it('marks a deleted session as shutting down until the next refresh', async () => {
    expect(await model.deleteSession('local', 1)).toBe(true);
    expect(model.endpoints[0].sessions[0].state).toBe('shutting_down');
    expect(await model.deleteSession('local', 99)).toBe(false);
    expect(model.endpoints[0].error).toBe("Session '99' not found.");
  });

  it('submits and kills batches', async () => {
    const submitted = await model.submitBatch('local', { path: 'jobs/pi.py', args: ['10'] });
    expect(submitted?.id).toBe(7);
    expect(model.endpoints[0].batches.map(b => b.id)).toEqual([7]);
    expect(await model.deleteBatch('local', 7)).toBe(true);
    expect(model.endpoints[0].batches[0].state).toBe('shutting_down');
  });

  it('fetches the configured number of log lines', async () => {
    await model.log('local', 'session', 1);
    await model.log('local', 'batch', 7);
    expect(client.calls).toContain('log session local 1 50');
    expect(client.calls).toContain('log batch local 7 50');
  });

  it('applies a new logLines at once and fetches pages from a line', async () => {
    model.logLines = 20;
    await model.log('local', 'session', 1);
    await model.log('local', 'batch', 7, { from: 40 });
    await model.log('local', 'batch', 7, { from: 0, size: 5 });
    expect(client.calls.filter(call => call.startsWith('log'))).toEqual([
      'log session local 1 20',
      'log batch local 7 20 from 40',
      'log batch local 7 5 from 0'
    ]);
  });

  it('reports an action on an unknown endpoint as the panel error', async () => {
    expect(await model.createSession('gone', {})).toBeNull();
    expect(model.error).toContain('gone');
  });
});

describe('sessionKinds', () => {
  it('offers what the endpoint runs, and every kind when it cannot be asked', async () => {
    client.kinds.set('local', { kinds: ['pyspark', 'sql', 'shared'], source: 'gateway' });
    makeModel();
    expect(await model.sessionKinds('local')).toEqual(['pyspark', 'sql', 'shared']);
    client.failing.set('local', new SparkRequestError('down', 502));
    expect(await model.sessionKinds('local')).toEqual(['pyspark', 'sql', 'shared', 'spark', 'sparkr']);
  });
});
