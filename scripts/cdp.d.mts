export interface CdpEvent {
  method: string;
  params: Record<string, unknown>;
  sessionId?: string;
}

export interface CdpConnection {
  send<T = Record<string, unknown>>(method: string, params?: object, sessionId?: string): Promise<T>;
  onEvent(listener: (event: CdpEvent) => void): () => void;
  close(): void;
}

export function openCdp(webSocketUrl: string, unreachable?: string): Promise<CdpConnection>;
