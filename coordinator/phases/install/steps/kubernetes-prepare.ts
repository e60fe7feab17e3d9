// kubernetes-prepare (KubeKey's pre-kubernetes; docs/install.md): on every k8s_cluster host, the
// Kubernetes binaries (only when the version differs), the kubelet unit and kubeadm's drop-in
// (enabled, not started: kubeadm starts it), kubeadm's directories, and on control planes the
// certificates init made — the Kubernetes and front-proxy CAs, and the external etcd client
// certificate — so kubeadm uses kk's CAs instead of making its own.
import type { ClusterModel } from '../../../model/cluster';
import { getBool, getString } from '../../../inventory/vars';
import { AUDIT_POLICY } from '../kubeadm/config';
import { AUDIT_POLICY_TEXT } from '../kubeadm/audit-policy';
import { fetchFile, script, service, writeFile, type InstallStep, type StepTask } from '../step';
import { NODE_ARTIFACTS, binaryInstallScript, hostsIn, tarballInstallScript } from './common';

export const KUBELET_UNIT = '/etc/systemd/system/kubelet.service';
export const KUBELET_DROPIN = '/etc/systemd/system/kubelet.service.d/10-kubeadm.conf';
export const PKI = '/etc/kubernetes/pki';

const noV = (v: string): string => v.replace(/^v/, '');

export const isControlPlane = (model: ClusterModel, host: string): boolean => (model.groups.kube_control_plane ?? []).includes(host);

export const KUBELET_UNIT_TEXT = `# Written by kk (docs/install.md).
[Unit]
Description=kubelet: The Kubernetes Node Agent
Documentation=https://kubernetes.io/docs/
Wants=network-online.target
After=network-online.target

[Service]
CPUAccounting=true
MemoryAccounting=true
ExecStart=/usr/local/bin/kubelet
Restart=always
StartLimitInterval=0
RestartSec=10

[Install]
WantedBy=multi-user.target
`;

/**
 * kubeadm's standard drop-in. The node's name and address come from the kubeadm configuration
 * (nodeRegistration), not from flags here: a flag after kubeadm's would override both families of
 * a dual-stack node-ip and a name set from `hostname`.
 */
export const KUBELET_DROPIN_TEXT = `# Written by kk (docs/install.md).
[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
# kubeadm writes KUBELET_KUBEADM_ARGS here at init and join
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
# the operator's own KUBELET_EXTRA_ARGS, if any
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=/usr/local/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
`;

export const kubernetesPrepareStep: InstallStep = {
  name: 'kubernetes-prepare',
  title: 'Kubernetes binaries, kubelet unit and certificates',
  hosts: (model) => hostsIn(model, 'k8s_cluster'),
  stage: () => ({ mode: 'parallel' }),
  plan(inputs, host): StepTask[] {
    const m = inputs.model;
    const arch = inputs.arch(host);
    const tasks: StepTask[] = [];
    const versionCmd: Record<string, string> = {
      kubeadm: '/usr/local/bin/kubeadm version -o short | sed s/^v//',
      kubelet: `/usr/local/bin/kubelet --version | awk '{print $2}' | sed s/^v//`,
      kubectl: `/usr/local/bin/kubectl version --client -o json | sed -n 's/.*"gitVersion": *"v\\([^"]*\\)".*/\\1/p'`,
    };
    for (const bin of ['kubeadm', 'kubelet', 'kubectl']) {
      const a = inputs.artifact(bin, arch);
      const local = `${NODE_ARTIFACTS}/kube/${a.version}/${bin}`;
      tasks.push(
        { task: `fetch ${bin}`, spec: fetchFile(a.sha256, local, 0o755), description: `fetch ${a.id} (sha256 ${a.sha256.slice(0, 12)}…)` },
        {
          task: `install ${bin}`,
          spec: script(
            binaryInstallScript({
              name: bin,
              version: noV(a.version),
              src: local,
              dest: `/usr/local/bin/${bin}`,
              installedVersion: versionCmd[bin]!,
              force: inputs.force,
            }),
          ),
          description: `${bin} ${a.version} → /usr/local/bin (only when the version differs)`,
        },
      );
    }
    const helm = inputs.artifact('helm', arch);
    const helmTgz = `${NODE_ARTIFACTS}/helm/${helm.dest.split('/').pop()}`;
    tasks.push(
      { task: 'fetch helm', spec: fetchFile(helm.sha256, helmTgz), description: `fetch ${helm.id}` },
      {
        task: 'install helm',
        spec: script(
          tarballInstallScript({
            name: 'helm',
            version: noV(helm.version),
            tarball: helmTgz,
            force: inputs.force,
            files: { [`linux-${arch}/helm`]: '/usr/local/bin/helm' },
            installedVersion: `/usr/local/bin/helm version --template '{{.Version}}' | sed s/^v//`,
          }),
        ),
        description: `helm ${helm.version} → /usr/local/bin`,
      },
      { task: 'write kubelet unit', spec: writeFile(KUBELET_UNIT, KUBELET_UNIT_TEXT), description: KUBELET_UNIT },
      { task: 'write kubelet drop-in', spec: writeFile(KUBELET_DROPIN, KUBELET_DROPIN_TEXT), description: KUBELET_DROPIN },
      {
        task: 'daemon-reload',
        spec: service('', 'daemon-reload'),
        description: 'systemctl daemon-reload',
        onlyIfChanged: ['write kubelet unit', 'write kubelet drop-in'],
      },
      { task: 'enable kubelet', spec: service('kubelet.service', 'enable'), description: 'systemctl enable kubelet (kubeadm starts it)' },
      {
        task: 'directories',
        spec: script(`changed=0
for d in /etc/kubernetes /etc/kubernetes/pki /etc/kubernetes/manifests /usr/local/bin/kube-scripts /usr/libexec/kubernetes/kubelet-plugins/volume/exec /etc/cni/net.d /var/lib/kubelet; do
  [ -d "$d" ] || { mkdir -p "$d"; changed=1; }
done
[ $changed = 1 ] || exit $UNCHANGED`),
        description: "kubeadm's directories",
      },
    );
    if (isControlPlane(m, host)) {
      tasks.push(
        {
          task: 'write ca.crt',
          spec: writeFile(`${PKI}/ca.crt`, inputs.pki('kubernetes.crt')),
          description: `${PKI}/ca.crt ← pki/kubernetes.crt (kk's Kubernetes CA)`,
        },
        { task: 'write ca.key', spec: writeFile(`${PKI}/ca.key`, inputs.pki('kubernetes.key'), 0o600), description: `${PKI}/ca.key (0600)` },
        {
          task: 'write front-proxy-ca.crt',
          spec: writeFile(`${PKI}/front-proxy-ca.crt`, inputs.pki('front-proxy.crt')),
          description: `${PKI}/front-proxy-ca.crt ← pki/front-proxy.crt`,
        },
        {
          task: 'write front-proxy-ca.key',
          spec: writeFile(`${PKI}/front-proxy-ca.key`, inputs.pki('front-proxy.key'), 0o600),
          description: `${PKI}/front-proxy-ca.key (0600)`,
        },
      );
      if (getBool(m.vars, 'audit') === true) {
        tasks.push({ task: 'write audit policy', spec: writeFile(AUDIT_POLICY, AUDIT_POLICY_TEXT, 0o600), description: `${AUDIT_POLICY} (audit: true)` });
      }
      if ((getString(m.vars, 'etcd.deployment_type') ?? 'external') === 'external') {
        tasks.push(
          { task: 'write etcd ca.crt', spec: writeFile(`${PKI}/etcd/ca.crt`, inputs.pki('root.crt')), description: `${PKI}/etcd/ca.crt ← pki/root.crt` },
          {
            task: 'write etcd client.crt',
            spec: writeFile(`${PKI}/etcd/client.crt`, inputs.pki('etcd-client.crt')),
            description: `${PKI}/etcd/client.crt ← pki/etcd-client.crt`,
          },
          {
            task: 'write etcd client.key',
            spec: writeFile(`${PKI}/etcd/client.key`, inputs.pki('etcd-client.key'), 0o600),
            description: `${PKI}/etcd/client.key (0600)`,
          },
        );
      }
    }
    return tasks;
  },
};
