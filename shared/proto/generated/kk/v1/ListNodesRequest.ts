// Original file: proto/kk/v1/admin.proto


export interface ListNodesRequest {
}

export interface ListNodesRequest__Output {
}
