import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveTemporalBinary } from '../../src/toolchain/temporal-binaries';

function freshDir(): string {
  return mkdtempSync(join(tmpdir(), 'temporal-bin-'));
}

function fakeExecutable(dir: string, name: string, mode = 0o755): string {
  const path = join(dir, name);
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, mode);
  return path;
}

const existing = (path: string) => ({ type: 'existing-path', path });

test('order: explicit variable, then project install, then PATH, then the SDK download', () => {
  const project = freshDir();
  const onPath = freshDir();
  const explicit = fakeExecutable(freshDir(), 'custom-test-server');
  const projectExe = fakeExecutable(project, 'temporal-test-server');
  const pathExe = fakeExecutable(onPath, 'temporal-test-server');
  const PATH = `/nonexistent:${onPath}`;

  expect(
    resolveTemporalBinary('test-server', { TEMPORAL_TEST_SERVER_PATH: explicit, PATH }, project),
  ).toEqual({
    source: 'env',
    executable: existing(explicit),
  });
  expect(resolveTemporalBinary('test-server', { PATH }, project)).toEqual({
    source: 'project',
    executable: existing(projectExe),
  });
  expect(resolveTemporalBinary('test-server', { PATH }, freshDir())).toEqual({
    source: 'path',
    executable: existing(pathExe),
  });
  expect(resolveTemporalBinary('test-server', { PATH: '/nonexistent' }, freshDir())).toEqual({
    source: 'sdk-download',
    executable: { type: 'cached-download' },
  });
});

test('each server kind has its own variable and file name', () => {
  const dir = freshDir();
  const cli = fakeExecutable(dir, 'temporal');
  expect(resolveTemporalBinary('cli', { PATH: dir }, freshDir()).executable).toEqual(existing(cli));
  expect(resolveTemporalBinary('test-server', { PATH: dir }, freshDir()).source).toBe('sdk-download');
});

test('a file that is not executable is skipped on PATH', () => {
  const dir = freshDir();
  fakeExecutable(dir, 'temporal', 0o644);
  expect(resolveTemporalBinary('cli', { PATH: dir }, freshDir()).source).toBe('sdk-download');
});

test('an explicit path that is not executable is an error, not a silent fallback', () => {
  const notExecutable = fakeExecutable(freshDir(), 'temporal', 0o644);
  expect(() => resolveTemporalBinary('cli', { TEMPORAL_CLI_PATH: notExecutable })).toThrow(
    /TEMPORAL_CLI_PATH=.*temporal is not an executable file/,
  );
});
