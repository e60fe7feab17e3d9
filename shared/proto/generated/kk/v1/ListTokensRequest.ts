// Original file: proto/kk/v1/admin.proto


export interface ListTokensRequest {
}

export interface ListTokensRequest__Output {
}
