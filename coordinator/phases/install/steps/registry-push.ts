// After the image registry is up: the coordinator pushes the images it holds (the offline
// bundle's image layout, or images init pulled) to `image_registry.auth.registry`, trusting it
// with init's CA — KubeKey's image-registry/push (docs/install.md). Nodes then pull from there.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { getMap, getString } from '../../../inventory/vars';
import { planArtifacts } from '../../../init/artifacts/plan';
import { findImage } from '../../../init/images/oci-layout';
import { pushPlanImages, targetEndpoint } from '../../../init/images/index';
import type { InstallStep } from '../step';

export const registryPushStep: InstallStep = {
  name: 'image-push',
  title: 'push images to the cluster registry',
  hosts: () => [],
  stage: () => ({ mode: 'parallel' }),
  plan: () => [],
  coordinator: {
    task: 'push images',
    description: "push the images in the coordinator's image layout to image_registry.auth.registry (TLS, init's CA)",
    applies: (model) => (getString(model.vars, 'image_registry.type') ?? '') !== '' && (model.groups.image_registry ?? []).length > 0,
    async run(ctx) {
      const model = ctx.inputs.model;
      // kk installed this registry with init's certificate: init's root CA is what it is trusted by
      // (the ca_file KubeKey derives from work_dir names the same file, at the built-in work_dir).
      const auth = getMap(model.vars, 'image_registry.auth') ?? {};
      const { ca_file: _unused, ...withoutCa } = auth;
      const found = targetEndpoint({ ...model.vars, image_registry: { ...(getMap(model.vars, 'image_registry') ?? {}), auth: withoutCa } }, ctx.cwd);
      if (!found) return [false, 'image_registry.auth.registry is empty: there is no registry to push to'];
      const endpoint = { ...found, ca: [ctx.inputs.pki('root.crt')] };
      const plan = planArtifacts(model, { cwd: ctx.cwd });
      const layout = path.join(ctx.artifactStore ?? plan.artifactDir, 'images');
      const held = existsSync(path.join(layout, 'index.json')) ? plan.images.filter((i) => i.pushRef && findImage(layout, i.name)) : [];
      if (held.length === 0) return [true, `no images held on the coordinator (${layout}); nodes pull from their upstream registries`];
      const pushed = await pushPlanImages(held, layout, endpoint, (l) => ctx.line(l));
      const blobs = pushed.reduce((n, p) => n + p.blobsPushed, 0);
      const missing = plan.images.filter((i) => i.pushRef && !held.includes(i)).map((i) => i.name);
      return [
        true,
        `${pushed.length} image(s) in ${endpoint.host} (${blobs} blob(s) sent)${missing.length ? `; not held, so not pushed: ${missing.join(', ')}` : ''}`,
      ];
    },
  },
};
