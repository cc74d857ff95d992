import type { ExecPolicy } from './exec-policy';

/** Everything the node host reports; the CLI prints each as a line (plain or JSON). */
export type NodeHostEvent =
  | { event: 'starting'; url: string; nodeId: string; displayName: string; execPolicy: ExecPolicy; commands: string[] }
  /** At start: what the exec policy and the allowlist let system.run do, and how to change it. */
  | { event: 'exec-notice'; message: string }
  | { event: 'connected'; url: string; connId: string; deviceTokenIssued: boolean }
  | { event: 'disconnected'; code: number; reason: string }
  | { event: 'reconnecting'; attempt: number; delayMs: number }
  | { event: 'waiting-approval'; requestId?: string; message: string }
  /** The gateway refused the stored device token (revoked, rotated, state reset); it was deleted and the connect retried. */
  | { event: 'device-token-dropped'; reason: string; retryWith: 'token' | 'password' | 'nothing' }
  | { event: 'error'; reason: string; fix?: string; repeated: boolean }
  | { event: 'gateway-shutdown'; reason?: string; restartExpectedMs?: number }
  | {
      event: 'invoke';
      id: string;
      command: string;
      ok: boolean;
      code?: string;
      durationMs: number;
      notes: string[];
      delivered: boolean;
      deliveryError?: string;
    }
  | { event: 'invoke-ignored'; reason: string }
  | { event: 'internal-error'; message: string }
  | { event: 'notify'; title: string; body: string }
  | { event: 'stopping'; signal?: string }
  | { event: 'stopped' };

export type NodeHostListener = (event: NodeHostEvent) => void;
