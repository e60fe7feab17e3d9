// Original file: proto/kk/v1/admin.proto


export interface ListRunsRequest {
}

export interface ListRunsRequest__Output {
}
