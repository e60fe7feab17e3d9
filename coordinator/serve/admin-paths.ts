// Where `serve` puts what the operator CLI needs to reach it, relative to the data dir. A module of
// its own with no imports: every operator command reads these names, and none should load the
// server's code (X.509 toolkit, NATS, stores) to do so.

/** The admin mTLS credential (mode 0600) for reaching the coordinator over the network. */
export const ADMIN_CREDENTIALS_FILE = 'admin-credentials.json';

/** The local admin socket (mode 0600, owner root): AdminService over gRPC, no TLS. */
export const ADMIN_SOCKET_FILE = 'admin.sock';
