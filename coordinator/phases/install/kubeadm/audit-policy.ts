// The API server's audit policy when `audit: true` (docs/install.md): who changed what, with the
// request bodies of writes — but never the content of Secrets, ConfigMaps or tokens, and none of
// the high-volume read traffic of the cluster's own components.
export const AUDIT_POLICY_TEXT = `# Written by kk (docs/install.md); changing it here is undone by the next create cluster.
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
# The cluster's own polling and health traffic.
- level: None
  nonResourceURLs: ["/healthz*", "/livez*", "/readyz*", "/version", "/metrics", "/openapi*"]
- level: None
  users: ["system:kube-proxy"]
  verbs: ["watch"]
  resources: [{group: "", resources: ["endpoints", "services", "services/status"]}, {group: "discovery.k8s.io", resources: ["endpointslices"]}]
- level: None
  userGroups: ["system:nodes"]
  verbs: ["get"]
  resources: [{group: "", resources: ["nodes", "nodes/status"]}]
- level: None
  users: ["system:kube-controller-manager", "system:kube-scheduler", "system:apiserver"]
  verbs: ["get", "update"]
  resources: [{group: "coordination.k8s.io", resources: ["leases"]}]
- level: None
  resources: [{group: "", resources: ["events"]}, {group: "events.k8s.io", resources: ["events"]}]
# Secrets and tokens: who and when, never the content.
- level: Metadata
  resources:
  - {group: "", resources: ["secrets", "configmaps", "serviceaccounts/token"]}
  - {group: "authentication.k8s.io", resources: ["tokenreviews"]}
  - {group: "authorization.k8s.io", resources: ["subjectaccessreviews", "selfsubjectaccessreviews"]}
# Reads: who read what.
- level: Metadata
  verbs: ["get", "list", "watch"]
# Writes: with the request body.
- level: Request
`;
