// Whether kk installs a registry in this run: `image_registry.type` set and hosts to put it on.
import type { ClusterModel } from '../../../model/cluster';
import { members } from '../../hosts';
import { optString } from '../../vars';

export function registryBeingInstalled(model: ClusterModel): string | null {
  const type = optString(model.vars, 'image_registry.type');
  return type !== undefined && members(model, 'image_registry').length > 0 ? type : null;
}
