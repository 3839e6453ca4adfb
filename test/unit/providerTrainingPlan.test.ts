import * as assert from 'node:assert/strict';
import { collectSettings, trainingGate } from '../../src/provider/trainingPlan';

describe('provider: what Train on Workspace reads and when it may start', () => {
  it('collects with the include and exclude settings plus the files.exclude globs set to true', () => {
    const collect = collectSettings({
      include: ['docs/**'],
      exclude: ['**/node_modules', '**/dist'],
      maxFileSizeKB: 64,
      filesExclude: { '**/.git': true, '**/dist': true, 'private/**': true, 'shown/**': false, '**/*.js': { when: '$(basename).ts' } },
    });
    assert.deepEqual(collect, { include: ['docs/**'], exclude: ['**/node_modules', '**/dist', '**/.git', 'private/**'], maxFileBytes: 65_536 });
  });

  it('a size limit that is not a positive number falls back to the setting\'s default', () => {
    for (const maxFileSizeKB of [0, -5, NaN]) {
      assert.equal(collectSettings({ include: [], exclude: [], maxFileSizeKB, filesExclude: {} }).maxFileBytes, 1024 * 1024);
    }
  });

  const folder = { scheme: 'file', fsPath: '/work/notes' };
  const ready = { trusted: true, folders: [folder, { scheme: 'file', fsPath: '/work/docs' }], storage: '/storage/ws1', running: false };

  it('starts on the folders of a trusted workspace on disk', () => {
    assert.deepEqual(trainingGate(ready), { kind: 'start', roots: ['/work/notes', '/work/docs'], storage: '/storage/ws1' });
  });

  it('a second request while one runs is told so, before anything else is checked', () => {
    assert.deepEqual(trainingGate({ ...ready, running: true, trusted: false }), { kind: 'running' });
  });

  it('refuses, saying why: untrusted, no folder, virtual folders', () => {
    const refusal = (context: Parameters<typeof trainingGate>[0]) => {
      const gate = trainingGate(context);
      assert.equal(gate.kind, 'refused');
      return gate.kind === 'refused' ? gate.message : '';
    };
    assert.match(refusal({ ...ready, trusted: false }), /only in a trusted workspace/);
    assert.match(refusal({ ...ready, folders: [], storage: undefined }), /Open a folder first/);
    assert.match(refusal({ ...ready, storage: undefined }), /Open a folder first/);
    assert.match(refusal({ ...ready, folders: [folder, { scheme: 'vscode-vfs', fsPath: '/github/repo' }] }), /not on this machine's disk \(vscode-vfs\)/);
  });
});
