/**
 * `report.directory` stays under the reports root with symbolic links followed:
 * a link inside the root that leads outside it is refused (InvalidExperiment), wherever it is on
 * the way to the experiment's folder, existing or not yet.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { experimentDirectory } from '../../src/activities/report/report-paths';

describe('report.directory stays under the reports root, links followed (issue 25)', () => {
  let dir = '';
  let root = '';
  const saved = process.env.FAULTLINE_REPORTS_DIR;
  before(() => {
    dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'report-paths-')));
    root = path.join(dir, 'reports');
    mkdirSync(path.join(root, 'real', 'deep'), { recursive: true });
    mkdirSync(path.join(dir, 'outside'));
    symlinkSync(path.join(dir, 'outside'), path.join(root, 'escape')); // leads out
    symlinkSync(path.join(root, 'real'), path.join(root, 'inner')); // stays in
    symlinkSync(root, path.join(dir, 'root-link')); // the root itself, through a link
    process.env.FAULTLINE_REPORTS_DIR = root;
  });
  after(() => {
    if (saved === undefined) delete process.env.FAULTLINE_REPORTS_DIR;
    else process.env.FAULTLINE_REPORTS_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  const refusal = (directory: string): string | undefined => {
    try {
      experimentDirectory(directory, 'exp-1');
      return undefined;
    } catch (err) {
      assert.ok(err instanceof ApplicationFailure && err.type === 'InvalidExperiment', String(err));
      return err.message;
    }
  };

  it('refuses a link that leads outside, at any depth of the way', () => {
    for (const directory of ['escape', 'escape/later/folders', 'real/../escape/x'])
      assert.match(
        refusal(directory) ?? 'accepted',
        /^report\.directory ".*" leads outside the reports root .* symbolic link/,
      );
    symlinkSync(path.join(dir, 'outside'), path.join(root, 'real', 'deep', 'out'));
    assert.match(refusal('inner/deep/out') ?? 'accepted', /symbolic link \(to .*outside/);
    assert.match(refusal('../outside') ?? 'accepted', /is outside the reports root/);
  });

  it('takes folders and links that stay inside, and a root reached through a link', () => {
    assert.equal(experimentDirectory('reports-a/b', 'exp-1'), path.join(root, 'reports-a', 'b', 'exp-1'));
    assert.equal(experimentDirectory('inner/deep', 'exp-1'), path.join(root, 'inner', 'deep', 'exp-1'));
    assert.equal(experimentDirectory('.', 'exp-1'), path.join(root, 'exp-1'));
    process.env.FAULTLINE_REPORTS_DIR = path.join(dir, 'root-link');
    try {
      assert.equal(experimentDirectory('inner', 'exp-1'), path.join(dir, 'root-link', 'inner', 'exp-1'));
      assert.match(refusal('escape') ?? 'accepted', /leads outside/);
    } finally {
      process.env.FAULTLINE_REPORTS_DIR = root;
    }
  });
});
