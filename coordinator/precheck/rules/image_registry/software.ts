import { members } from '../../hosts';
import { clusterRule, fail, pass } from '../../rule';
import { optString } from '../../vars';

export const imageRegistrySoftware = clusterRule({
  id: 'image_registry.software',
  severity: 'error',
  description: 'installing a registry: docker, docker-compose and the harbor / registry / keepalived versions are set',
  appliesTo: ({ model }) => {
    if (members(model, 'image_registry').length === 0) return 'image_registry group is empty';
    return optString(model.vars, 'image_registry.type') !== undefined ? true : 'image_registry.type is not set';
  },
  check: ({ model }) => {
    const type = optString(model.vars, 'image_registry.type')!;
    const needed = ['cri.docker_version', 'image_registry.dockercompose_version'];
    if (type === 'harbor') needed.push('image_registry.harbor_version');
    else if (type === 'docker-registry') needed.push('image_registry.docker_registry_version');
    if (optString(model.vars, 'image_registry.ha_vip') !== undefined) needed.push('image_registry.keepalived_version');
    const missing = needed.filter((k) => optString(model.vars, k) === undefined);
    if (missing.length > 0) return fail(`installing a ${type} registry needs ${missing.join(', ')}: set ${missing.length === 1 ? 'it' : 'them'} in the Config`);
    return pass(`${type} registry: ${needed.map((k) => `${k.split('.').pop()} ${optString(model.vars, k)}`).join(', ')}`);
  },
});
