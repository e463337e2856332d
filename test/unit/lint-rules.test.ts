/**
 * The lint rules that keep the structure do fail on what they forbid. Two probe files are
 * written into src/ (the rules are by path), linted with the project's own config, and removed.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';

const ROOT = path.resolve(__dirname, '..', '..');
const PROBE = path.join(ROOT, 'src', 'shared', 'lint-probe');
const WORKFLOW_PROBE = path.join(ROOT, 'src', 'workflows', 'lint-probe.ts');

describe('lint rules (unit)', function () {
  this.timeout(120_000);
  after(() => {
    rmSync(PROBE, { recursive: true, force: true });
    rmSync(WORKFLOW_PROBE, { force: true });
  });

  it('fail on an import cycle, a layer violation, and a Node API in workflow code', async () => {
    mkdirSync(PROBE, { recursive: true });
    writeFileSync(path.join(PROBE, 'a.ts'), "import { b } from './b';\nexport const a = (): number => b() + 1;\n");
    writeFileSync(
      path.join(PROBE, 'b.ts'),
      "import { a } from './a';\nexport const b = (): number => (a.length > 0 ? 1 : 0);\n",
    );
    // shared is pure: it may not reach into the platform layer.
    writeFileSync(
      path.join(PROBE, 'c.ts'),
      "import { labSettings } from '../../platform/settings';\nexport const c = (): string => labSettings().dbName;\n",
    );
    // Workflow code runs in the deterministic sandbox: no Node APIs.
    writeFileSync(
      WORKFLOW_PROBE,
      "import { readFileSync } from 'node:fs';\nexport const w = (): string => String(readFileSync);\n",
    );
    const eslint = new ESLint({ cwd: ROOT });
    const results = await eslint.lintFiles(['src/shared/lint-probe/*.ts', 'src/workflows/lint-probe.ts']);
    const rules = results.flatMap((r) => r.messages.map((m) => `${path.basename(r.filePath)} ${m.ruleId}`));
    assert.ok(rules.includes('a.ts import-x/no-cycle'), rules.join('\n'));
    assert.ok(rules.includes('c.ts import-x/no-restricted-paths'), rules.join('\n'));
    assert.ok(rules.includes('lint-probe.ts @typescript-eslint/no-restricted-imports'), rules.join('\n'));
  });
});
