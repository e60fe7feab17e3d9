// multus as the secondary CNI (cni.multi_cni: multus; KubeKey's cni/multus role): not a chart but
// one manifest kk writes and `kubectl apply`s — the NetworkAttachmentDefinition CRD, multus's RBAC
// and its DaemonSet (the thin plugin, which writes its CNI config in front of the primary one,
// `--multus-conf-file=auto`), image from `cni.multus.image` (ghcr, or the cluster registry).
import YAML from 'yaml';
import { getString } from '../../../../inventory/vars';
import type { ClusterModel } from '../../../../model/cluster';
import { script, writeFile, type StepTask } from '../../step';
import { q } from '../common';
import { CNI_DIR, KUBECTL } from './helm';

export const MULTUS_MANIFEST = `${CNI_DIR}/multus.yaml`;

export function multusImage(m: ClusterModel): string {
  const registry = getString(m.vars, 'cni.multus.image.registry') ?? getString(m.vars, 'image_registry.ghcrio_registry') ?? 'ghcr.io';
  const repository = getString(m.vars, 'cni.multus.image.repository') ?? 'k8snetworkplumbingwg/multus-cni';
  const tag = getString(m.vars, 'cni.multus.image.tag') ?? 'v4.2.4';
  return `${registry}/${repository}:${tag}`;
}

/** The objects of multus's manifest. */
export function multusObjects(image: string): Record<string, unknown>[] {
  const labels = { app: 'multus', name: 'multus' };
  return [
    {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'network-attachment-definitions.k8s.cni.cncf.io' },
      spec: {
        group: 'k8s.cni.cncf.io',
        scope: 'Namespaced',
        names: {
          plural: 'network-attachment-definitions',
          singular: 'network-attachment-definition',
          kind: 'NetworkAttachmentDefinition',
          shortNames: ['net-attach-def'],
        },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  apiVersion: { type: 'string' },
                  kind: { type: 'string' },
                  metadata: { type: 'object' },
                  spec: { type: 'object', properties: { config: { type: 'string' } } },
                },
              },
            },
          },
        ],
      },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'multus' },
      rules: [
        { apiGroups: ['k8s.cni.cncf.io'], resources: ['*'], verbs: ['*'] },
        { apiGroups: [''], resources: ['pods', 'pods/status'], verbs: ['get', 'update'] },
        { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch', 'update'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'multus' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'multus' },
      subjects: [{ kind: 'ServiceAccount', name: 'multus', namespace: 'kube-system' }],
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'multus', namespace: 'kube-system' } },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'kube-multus-ds', namespace: 'kube-system', labels: { tier: 'node', ...labels } },
      spec: {
        selector: { matchLabels: labels },
        updateStrategy: { type: 'RollingUpdate' },
        template: {
          metadata: { labels: { tier: 'node', ...labels } },
          spec: {
            hostNetwork: true,
            tolerations: [
              { operator: 'Exists', effect: 'NoSchedule' },
              { operator: 'Exists', effect: 'NoExecute' },
            ],
            serviceAccountName: 'multus',
            initContainers: [
              {
                name: 'install-multus-binary',
                image,
                command: ['/install_multus', '-d', '/host/opt/cni/bin', '-t', 'thin'],
                securityContext: { privileged: true },
                volumeMounts: [{ name: 'cnibin', mountPath: '/host/opt/cni/bin', mountPropagation: 'Bidirectional' }],
              },
            ],
            containers: [
              {
                name: 'kube-multus',
                image,
                command: ['/thin_entrypoint'],
                args: ['--multus-conf-file=auto', '--multus-autoconfig-dir=/host/etc/cni/net.d', '--cni-conf-dir=/host/etc/cni/net.d', '--cni-version=0.3.1'],
                resources: { requests: { cpu: '100m', memory: '50Mi' }, limits: { cpu: '100m', memory: '50Mi' } },
                securityContext: { privileged: true },
                volumeMounts: [
                  { name: 'cni', mountPath: '/host/etc/cni/net.d' },
                  { name: 'cnibin', mountPath: '/host/opt/cni/bin' },
                ],
              },
            ],
            terminationGracePeriodSeconds: 10,
            volumes: [
              { name: 'cni', hostPath: { path: '/etc/cni/net.d' } },
              { name: 'cnibin', hostPath: { path: '/opt/cni/bin' } },
            ],
          },
        },
      },
    },
  ];
}

export function multusManifest(m: ClusterModel): string {
  return `# Written by kk (docs/install.md) for cni.multi_cni: multus.\n${multusObjects(multusImage(m))
    .map((o) => YAML.stringify(o))
    .join('---\n')}`;
}

/** Write the manifest, apply it unless the cluster already matches it. */
export function multusTasks(m: ClusterModel): StepTask[] {
  return [
    { task: 'write multus.yaml', spec: writeFile(MULTUS_MANIFEST, multusManifest(m), 0o644), description: MULTUS_MANIFEST },
    {
      task: 'apply multus',
      description: `kubectl apply -f ${MULTUS_MANIFEST} (skipped when the cluster matches it)`,
      spec: script(
        `if ${KUBECTL} diff -f ${q(MULTUS_MANIFEST)} >/dev/null 2>&1; then exit $UNCHANGED; fi
${KUBECTL} apply -f ${q(MULTUS_MANIFEST)}`,
        { timeoutMs: 5 * 60_000 },
      ),
    },
  ];
}
