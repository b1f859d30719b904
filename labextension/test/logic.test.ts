import { describe, expect, it } from 'vitest';

import { attachNotebook, attachSource } from '../src/attach';
import { errorMessage, formatAge, formatItemAge, isFinal, stateGroup } from '../src/format';
import {
  batchRequest,
  FormError,
  isRemotePath,
  parseConf,
  parseJsonObject,
  sessionRequest,
  splitArgs
} from '../src/forms';
import { REMOTE_KERNEL_NAME, SparkRequestError } from '../src/tokens';

describe('states and ages', () => {
  it.each([
    ['starting', 'starting'],
    ['not_started', 'starting'],
    ['idle', 'idle'],
    ['busy', 'busy'],
    ['running', 'busy'],
    ['shutting_down', 'stopping'],
    ['success', 'succeeded'],
    ['dead', 'failed'],
    ['killed', 'failed'],
    ['error', 'failed'],
    ['some_new_state', 'unknown']
  ])('colours %s as %s', (state, group) => {
    expect(stateGroup(state)).toBe(group);
  });

  it('knows the final states', () => {
    expect(['dead', 'killed', 'error', 'success'].every(isFinal)).toBe(true);
    expect(['idle', 'busy', 'starting', 'shutting_down'].some(isFinal)).toBe(false);
  });

  it.each([
    [0, '0s'],
    [59_999, '59s'],
    [60_000, '1m'],
    [3_599_000, '59m'],
    [7_200_000, '2h'],
    [3 * 86_400_000, '3d'],
    [-5_000, '0s']
  ])('shows an age of %i ms as %s', (ms, text) => {
    expect(formatAge(1_000_000_000_000, 1_000_000_000_000 + ms)).toBe(text);
  });

  it("marks the age of an item older than the server's first look as a lower bound", () => {
    const now = 1_000_000_000_000;
    expect(formatItemAge({ firstSeen: now - 120_000, seenAtStart: true }, now)).toBe('≥2m');
    expect(formatItemAge({ firstSeen: now - 120_000, seenAtStart: false }, now)).toBe('2m');
  });

  it('turns anything thrown into a message', () => {
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage('plain')).toBe('plain');
    expect(errorMessage({ code: 1 })).toBe('{"code":1}');
  });
});

describe('server errors', () => {
  it('takes the message from a JSON error body', () => {
    const error = SparkRequestError.fromResponse(502, 'Bad Gateway', {
      message: 'http://livy:8998 refused the credentials',
      reason: 'AuthenticationFailed'
    });
    expect(error.message).toBe('http://livy:8998 refused the credentials');
    expect([error.status, error.reason]).toEqual([502, 'AuthenticationFailed']);
  });

  it('shows the text of an HTML error page without its markup', () => {
    const error = SparkRequestError.fromResponse(
      504,
      'Gateway Timeout',
      '<html><body><h1>504</h1> upstream timed out</body></html>'
    );
    expect(error.message).toBe('The Jupyter server answered 504: 504 upstream timed out');
  });

  it('falls back to the status text', () => {
    expect(SparkRequestError.fromResponse(500, 'Internal Server Error', undefined).message).toBe(
      'The Jupyter server answered 500: Internal Server Error'
    );
  });
});

describe('form parsing', () => {
  it.each([
    ['', []],
    ['  a  b ', ['a', 'b']],
    ['--input "my file.csv" -n 3', ['--input', 'my file.csv', '-n', '3']],
    ["'single quoted' x", ['single quoted', 'x']],
    ['a\\ b "q\\"uote" \'\'', ['a b', 'q"uote', '']],
    ['--conf=a=b', ['--conf=a=b']]
  ])('splits %j', (text, args) => {
    expect(splitArgs(text)).toEqual(args);
  });

  it('rejects an unclosed quote', () => {
    expect(() => splitArgs('"open')).toThrow(FormError);
  });

  it('parses JSON objects and explains bad ones', () => {
    expect(parseJsonObject('  ', 'X')).toBeUndefined();
    expect(parseJsonObject('{"driverMemory": "2g"}', 'X')).toEqual({ driverMemory: '2g' });
    expect(() => parseJsonObject('{driverMemory: 2g}', 'Session properties')).toThrow(
      /Session properties is not valid JSON/
    );
    expect(() => parseJsonObject('[1]', 'X')).toThrow(/must be a JSON object/);
  });

  it('makes Spark conf values strings', () => {
    expect(parseConf('{"a": 1, "b": true, "c": "x"}')).toEqual({ a: '1', b: 'true', c: 'x' });
    expect(() => parseConf('{"a": {"b": 1}}')).toThrow(/"a" must be a string/);
  });

  it('builds a session request from the filled fields only', () => {
    expect(sessionRequest({ kind: 'pyspark', name: '  ', profile: '', properties: '' })).toEqual({
      kind: 'pyspark'
    });
    expect(
      sessionRequest({ kind: 'sql', name: ' etl ', profile: 'big', properties: '{"conf": {"k": "v"}}' })
    ).toEqual({ kind: 'sql', name: 'etl', profile: 'big', properties: { conf: { k: 'v' } } });
  });

  it('tells server files from paths the Livy server reads', () => {
    expect(isRemotePath('jobs/pi.py')).toBe(false);
    expect(isRemotePath('hdfs:///jobs/pi.py')).toBe(true);
    expect(isRemotePath('local:/opt/pi.py')).toBe(true);
    expect(isRemotePath('/opt/jobs/pi.py')).toBe(true);
  });

  it('builds a batch request', () => {
    expect(batchRequest({ path: 'jobs/pi.py', name: '', className: '', args: '10 "a b"', conf: '' })).toEqual(
      {
        path: 'jobs/pi.py',
        args: ['10', 'a b']
      }
    );
    expect(
      batchRequest({
        path: 'hdfs:///app.jar',
        name: 'nightly',
        className: 'com.x.Main',
        args: '',
        conf: '{"spark.executor.cores": 2}'
      })
    ).toEqual({
      file: 'hdfs:///app.jar',
      name: 'nightly',
      className: 'com.x.Main',
      conf: { 'spark.executor.cores': '2' }
    });
    expect(() => batchRequest({ path: ' ', name: '', className: '', args: '', conf: '' })).toThrow(
      /Choose the application/
    );
  });
});

describe('attach', () => {
  it('opens a Remote PySpark notebook whose first cell attaches the session', () => {
    const notebook = attachNotebook('local', 12) as any;
    expect(attachSource(12)).toBe('%attach 12');
    expect(notebook.nbformat).toBe(4);
    expect(notebook.metadata.kernelspec.name).toBe(REMOTE_KERNEL_NAME);
    expect(notebook.metadata.sparkwire).toEqual({ endpoint: 'local', session: 12 });
    expect(notebook.cells).toHaveLength(1);
    expect(notebook.cells[0]).toMatchObject({ cell_type: 'code', source: '%attach 12', outputs: [] });
  });
});
