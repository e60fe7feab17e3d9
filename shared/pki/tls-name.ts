/**
 * Every coordinator serving certificate also names this DNS SAN, and kk's gRPC clients verify it
 * (the CA is kk's own, so the name proves "a coordinator of this CA"). It spares TLS the IP address
 * as SNI, which RFC 6066 forbids, and keeps working when the coordinator's address changes.
 * Its own module: operator commands need the name without loading the X.509 library.
 */
export const COORDINATOR_TLS_NAME = 'kk-coordinator';
