export interface AgentOptions { server?: string; token?: string; name?: string; dataDir: string; force: boolean }
export async function runAgent(_opts: AgentOptions): Promise<void> {
  throw new Error('not implemented yet');
}
