// The contract between `serve` and the operator CLI in the data dir: where serve puts what the CLI
// needs to reach it, and the shape of the admin credential. A module of its own with no imports:
// every operator command reads these names, and none should load the server's code (X.509
// toolkit, NATS, stores) to do so.

/** The admin mTLS credential (mode 0600) for reaching the coordinator over the network. */
export const ADMIN_CREDENTIALS_FILE = 'admin-credentials.json';

/** The local admin socket (mode 0600, owner root): AdminService over gRPC, no TLS. */
export const ADMIN_SOCKET_FILE = 'admin.sock';

/** The admin credential's JSON (ADMIN_CREDENTIALS_FILE), written by serve, read by the CLI. */
export interface AdminCredentials {
  /** host:port of the coordinator's gRPC port */
  coordinator: string;
  caPem: string;
  certPem: string;
  keyPem: string;
}
