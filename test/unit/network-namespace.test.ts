/**
 * A network fault on a container whose network mode is `host` or
 * `container:<other>` would land in another network namespace; it is refused when the target is
 * resolved (TargetRefused, naming the field), before anything is touched.
 */
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { resolveDockerTarget } from '../../src/activities/faults/docker-fault';
import { networkNamespaceRefusal } from '../../src/activities/faults/network-namespace';
import { docker } from '../../src/platform/docker';
import { DOCKER_TARGET_LABEL } from '../../src/shared/names';

const latency = { actsOnTheNetwork: true, target: { container: 'db' } };
/** Both kinds of fault that act in the namespace: a network fault, and a Docker action whose entry says so. */
const networkFaults = [
  { kind: 'network', action: 'latency', target: { container: 'db' } },
  { kind: 'docker', action: 'network-disconnect', target: { container: 'db' } },
];

describe('network faults stay in their target’s own network namespace (issue 25)', () => {
  it('refuses network modes host and container:..., naming the field', () => {
    assert.match(networkNamespaceRefusal(latency, 'db', 'host')!, /^fault\.target\.container: .*"host"/);
    assert.match(
      networkNamespaceRefusal({ ...latency, target: { label: 'app=db' } }, 'db', 'container:4f2a')!,
      /^fault\.target\.label: container "db" has network mode "container:4f2a"/,
    );
    for (const mode of ['bridge', 'default', 'faultline_default', 'none', undefined])
      assert.equal(networkNamespaceRefusal(latency, 'db', mode), undefined, String(mode));
    // Faults that do not act on the network: any mode.
    assert.equal(
      networkNamespaceRefusal({ actsOnTheNetwork: false, target: { container: 'db' } }, 'db', 'host'),
      undefined,
    );
  });

  describe('at resolve time, before anything is touched', () => {
    const original = {
      getContainer: docker.getContainer,
      createContainer: docker.createContainer,
      getNetwork: docker.getNetwork,
    };
    const calls: string[] = [];
    const inspectAs = (networkMode: string) => {
      Object.assign(docker, {
        getContainer: (id: string) => ({
          inspect: async () => {
            calls.push(`inspect ${id}`);
            return {
              Id: 'c0ffee',
              Name: '/db',
              Config: { Labels: { [DOCKER_TARGET_LABEL]: 'true' }, Image: 'postgres:15' },
              HostConfig: { NetworkMode: networkMode },
              NetworkSettings: { Networks: networkMode === 'host' ? { host: { Aliases: null } } : {} },
            };
          },
        }),
        createContainer: async () => calls.push('createContainer'),
        getNetwork: () => calls.push('getNetwork'),
      });
    };
    afterEach(() => {
      Object.assign(docker, original);
      calls.length = 0;
    });

    for (const mode of ['host', 'container:4f2a']) {
      for (const fault of networkFaults) {
        it(`network mode ${mode}, ${fault.kind} ${fault.action}: TargetRefused, only the inspection done`, async () => {
          inspectAs(mode);
          const err = await resolveDockerTarget(fault).catch((e: unknown) => e);
          assert.ok(err instanceof ApplicationFailure, String(err));
          assert.equal(err.type, 'TargetRefused');
          assert.equal(err.nonRetryable, true);
          assert.match(err.message, /^fault\.target\.container: container "db" has network mode/);
          assert.deepEqual(calls, ['inspect db']);
        });
      }
    }

    it('network mode bridge: resolved', async () => {
      inspectAs('bridge');
      assert.equal((await resolveDockerTarget(networkFaults[0]!)).id, 'c0ffee');
    });
  });
});
