/**
 * Adding a Docker action touches three hand-written files (docs/architecture.md): the fixture patch
 * adds a fake one in those files and type-checks; without any one of its files' hunks it does not.
 * Type-checks a copy of the sources in a temporary directory, limited to what the three files reach.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/platform/settings';

const PATCH = path.join(PROJECT_ROOT, 'test', 'unit', 'fixtures', 'add-docker-action.patch');
const TEST_FILE = 'test/unit/docker-actions.test.ts';
const TSC = require.resolve('typescript/bin/tsc');

/** The patch, one part per file it changes. */
const parts = (): Array<{ file: string; text: string }> =>
  readFileSync(PATCH, 'utf8')
    .split(/^(?=diff --git )/m)
    .filter((text) => text.trim())
    .map((text) => ({ file: /^diff --git a\/(\S+)/.exec(text)![1]!, text }));

/**
 * Applies each patch to its own copy of the sources and type-checks what the changed files reach, all
 * in one tsc run (the libraries' types are read once): each patch's errors, '' when there are none.
 */
function typeErrors(patches: string[], files: string[]): string[] {
  const root = mkdtempSync(path.join(tmpdir(), 'faultline-add-action-'));
  try {
    symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(root, 'node_modules'));
    patches.forEach((patch, i) => {
      const dir = path.join(root, `v${i}`);
      cpSync(path.join(PROJECT_ROOT, 'src'), path.join(dir, 'src'), { recursive: true });
      cpSync(path.join(PROJECT_ROOT, TEST_FILE), path.join(dir, TEST_FILE));
      writeFileSync(path.join(dir, 'change.patch'), patch);
      execFileSync('git', ['apply', 'change.patch'], { cwd: dir, stdio: 'pipe' });
    });
    const { compilerOptions } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'tsconfig.json'), 'utf8'));
    const all = patches.flatMap((_, i) => files.map((file) => `v${i}/${file}`));
    writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: all }));
    const tsc = spawnSync(process.execPath, [TSC, '--noEmit', '--pretty', 'false', '-p', 'tsconfig.json'], {
      cwd: root,
      encoding: 'utf8',
    });
    const lines = `${tsc.stdout}${tsc.stderr}`.split('\n');
    return patches.map((_, i) => lines.filter((line) => line.startsWith(`v${i}/`)).join('\n'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('adding a Docker action', function () {
  this.timeout(120_000);
  const all = parts();
  const files = all.map((p) => p.file);

  it('takes three files, as docs/architecture.md says', () => {
    assert.equal(files.length, 3);
    const doc = readFileSync(path.join(PROJECT_ROOT, 'docs', 'architecture.md'), 'utf8');
    for (const file of files) assert.ok(doc.includes(file), `docs/architecture.md names ${file}`);
  });

  let errors: string[] = [];
  before(() => {
    const without = all.map((left) => all.filter((p) => p !== left));
    errors = typeErrors(
      [all, ...without].map((ps) => ps.map((p) => p.text).join('')),
      files,
    );
  });

  it('type-checks with all three', () => {
    assert.equal(errors[0], '');
  });

  all.forEach((left, i) => {
    it(`does not type-check without its change to ${left.file}`, () => {
      assert.notEqual(errors[i + 1], '', `the patch without ${left.file} type-checks`);
    });
  });
});
