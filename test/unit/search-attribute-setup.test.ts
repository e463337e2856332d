/**
 * What `faultline setup` says on a server that will not let it register the search attributes,
 * what the report says of those missing, and how `faultline history` names them in a failed query.
 */
import assert from 'node:assert/strict';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../../src/shared/experiment-contract';
import { refusalOf, registrationInstructions } from '../../src/lab/search-attribute-instructions';
import { missingAttributesText } from '../../src/shared/search-attributes-missing';
import { missingInQuery } from '../../src/cli/history-visibility';

const SERVER = 'temporal.example:7233 (namespace default)';
/** gRPC status codes. */
const status = { PERMISSION_DENIED: 7, UNIMPLEMENTED: 12, UNAVAILABLE: 14 };
const grpcError = (code: number, details: string) =>
  Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });

describe('search attributes on a server faultline does not own (unit)', () => {
  it('lists each missing attribute with its type and the Cloud and self-hosted commands', () => {
    const text = registrationInstructions({
      server: 'acme.a1b2c.tmprl.cloud:7233 (namespace acme.a1b2c)',
      namespace: 'acme.a1b2c',
      refusal: 'PERMISSION_DENIED: request unauthorized',
      missing: SEARCH_ATTRIBUTE_DEFINITIONS.filter((d) => d.name !== 'FaultlinePhase'),
      existing: ['FaultlinePhase'],
    });
    assert.match(text, /refused to register .*\(PERMISSION_DENIED: request unauthorized\)/);
    assert.match(text, /Already registered: FaultlinePhase\./);
    assert.match(text, /^ {2}FaultlineDowntimeMs +Int$/m);
    assert.match(text, /^ {2}FaultlineVerdict +Keyword$/m);
    assert.ok(
      text.includes(
        'tcld namespace search-attributes add --namespace acme.a1b2c --search-attribute "FaultlineVerdict=Keyword"',
      ),
    );
    assert.ok(
      text.includes(
        'temporal operator search-attribute create --namespace acme.a1b2c --name FaultlineGapMs --type Int',
      ),
    );
    assert.ok(!text.includes('--name FaultlinePhase'), 'an existing one is not to be registered again');
    assert.equal(text.match(/^ {2}tcld /gm)?.length, SEARCH_ATTRIBUTE_DEFINITIONS.length - 1);
  });

  it('takes PERMISSION_DENIED and UNIMPLEMENTED (wrapped or not) as refusals, nothing else', () => {
    assert.equal(
      refusalOf(grpcError(status.PERMISSION_DENIED, 'request unauthorized')),
      'PERMISSION_DENIED: request unauthorized',
    );
    const wrapped = new Error('call failed', { cause: grpcError(status.UNIMPLEMENTED, 'not supported on Cloud') });
    assert.equal(refusalOf(wrapped), 'UNIMPLEMENTED: not supported on Cloud');
    assert.equal(refusalOf(grpcError(status.UNAVAILABLE, 'connection refused')), undefined);
    assert.equal(refusalOf(new Error('boom')), undefined);
  });

  it('says in the report which are missing, and why when the server would not say', () => {
    assert.equal(
      missingAttributesText({ names: ['FaultlinePhase', 'FaultlineFault'] }),
      'search attributes missing: FaultlinePhase, FaultlineFault (register with `faultline setup`)',
    );
    assert.match(
      missingAttributesText({ names: ['FaultlinePhase'], unknown: 'PERMISSION_DENIED' }),
      /could not tell which it has \(PERMISSION_DENIED\), so none was set$/,
    );
  });

  it('names the missing attributes a failed history query uses, and only those', () => {
    const query = 'WorkflowType = "chaosExperiment" AND (FaultlineVerdict = "violated")';
    const err = new Error('3 INVALID_ARGUMENT: invalid query: FaultlineVerdict is not a valid search attribute');
    assert.match(
      missingInQuery(err, query, null, SERVER)?.message ?? '',
      /does not have: FaultlineVerdict \(register them with `faultline setup`\)/,
    );
    assert.match(
      missingInQuery(new Error('invalid'), query, ['FaultlineVerdict'], SERVER)?.message ?? '',
      /FaultlineVerdict/,
    );
    assert.equal(missingInQuery(new Error('unavailable'), query, [], SERVER), undefined);
    assert.equal(missingInQuery(err, 'WorkflowType = "chaosExperiment"', ['FaultlineVerdict'], SERVER), undefined);
  });
});
