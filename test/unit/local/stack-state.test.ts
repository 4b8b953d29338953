import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localUrls } from '../../../infra/local/dynamodb-target.js';
import { clearStackState, readStackState, type StackState, writeStackState } from '../../../infra/local/stack-state.js';

const file = () => join(mkdtempSync(join(tmpdir(), 'stack-state-')), 'stack.json');
const running = (pid = process.pid): StackState => ({
  pid,
  url: 'http://127.0.0.1:3400',
  sandboxUrl: 'http://127.0.0.1:3401',
  dynamoEndpoint: 'http://127.0.0.1:8400',
  tableName: 'influence-router-local',
});

describe('the state file npm start writes', () => {
  it('is read back while its process runs, and removed by that process', () => {
    const path = file();
    writeStackState(running(), path);

    expect(readStackState(path)).toEqual(running());
    clearStackState(path);
    expect(readStackState(path)).toBeUndefined();
  });

  it('is ignored when its process is gone, or when it is not a state file', () => {
    const stale = file();
    // Past the kernel's largest pid: no such process.
    writeStackState(running(2 ** 30), stale);
    const corrupt = file();
    writeFileSync(corrupt, '{"pid": "nope"');

    expect(readStackState(stale)).toBeUndefined();
    expect(readStackState(corrupt)).toBeUndefined();
    expect(readStackState(join(tmpdir(), 'no-such-dir', 'stack.json'))).toBeUndefined();
  });
});

describe('where local commands find the running stack', () => {
  it('is where the running npm start says, whatever its ports', () => {
    expect(localUrls({}, running())).toEqual({ url: 'http://127.0.0.1:3400', sandboxUrl: 'http://127.0.0.1:3401' });
  });

  it('follows PORT, SANDBOX_PORT and SANDBOX_URL when set, as npm start does', () => {
    expect(localUrls({ PORT: '3500' }, running())).toEqual({ url: 'http://127.0.0.1:3500', sandboxUrl: 'http://127.0.0.1:3501' });
    expect(localUrls({ PORT: '3500', SANDBOX_PORT: '3700' }, running())).toEqual({
      url: 'http://127.0.0.1:3500',
      sandboxUrl: 'http://127.0.0.1:3700',
    });
    expect(localUrls({ SANDBOX_URL: 'http://127.0.0.1:9000/' }, undefined)).toEqual({
      url: 'http://127.0.0.1:3000',
      sandboxUrl: 'http://127.0.0.1:9000',
    });
  });

  it('falls back to the default ports with nothing running', () => {
    expect(localUrls({}, undefined)).toEqual({ url: 'http://127.0.0.1:3000', sandboxUrl: 'http://127.0.0.1:3001' });
  });
});
