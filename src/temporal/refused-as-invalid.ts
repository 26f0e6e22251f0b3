import { isGrpcServiceError } from '@temporalio/client';

/** gRPC INVALID_ARGUMENT: the server refused the request itself (an over-long id, an attribute it does not know). */
const grpcInvalidArgument = 3;

/** Whether Temporal refused the call as invalid, anywhere in the error's cause chain (the client wraps the gRPC error). */
export function refusedAsInvalid(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) if (isGrpcServiceError(e) && e.code === grpcInvalidArgument) return true;
  return false;
}
