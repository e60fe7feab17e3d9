// The operator CLI's AdminService client: the lean, per-method client of shared/proto/lean-service.ts
// (no @grpc/proto-loader, messages built on first use), typed as the generated AdminServiceClient.
import type * as grpc from '@grpc/grpc-js';
import { leanClientClass, leanServiceDefinition } from '../../shared/proto/lean-service';
import type { AdminServiceClient } from '../../shared/proto/generated/kk/v1/AdminService';

export { TO_OBJECT } from '../../shared/proto/lean-service';
export { descriptorFor } from '../../shared/proto/descriptor';

/** The grpc-js service definition of kk.v1.AdminService (client side: no reflection types). */
export function adminServiceDefinition(): grpc.ServiceDefinition {
  return leanServiceDefinition('AdminService');
}

type AdminClientClass = new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ClientOptions) => AdminServiceClient;

export function adminClientClass(): AdminClientClass {
  return leanClientClass('AdminService') as unknown as AdminClientClass;
}
