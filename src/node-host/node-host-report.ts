import type { NodeHostEvent } from './node-host-events';

export interface ReportLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

/** What `nestclaw node run` prints for one event: a plain line, or one JSON object with --json. */
export function formatNodeHostEvent(event: NodeHostEvent, json: boolean, now: Date): ReportLine {
  if (json) return { stream: 'stdout', text: JSON.stringify({ time: now.toISOString(), ...event }) };
  const time = now.toTimeString().slice(0, 8);
  return { stream: 'stdout', text: `${time} ${plainText(event)}` };
}

function plainText(event: NodeHostEvent): string {
  switch (event.event) {
    case 'starting':
      return `starting node "${clean(event.displayName)}" (node id ${event.nodeId.slice(0, 12)}…) for ${event.url}, exec policy ${event.execPolicy}, commands ${event.commands.join(', ')}`;
    case 'exec-notice':
      return event.message;
    case 'connected':
      return `connected to ${event.url} (connId ${event.connId})${event.deviceTokenIssued ? '; device token stored' : ''}`;
    case 'disconnected':
      return `disconnected (${describeClose(event.code, event.reason)})`;
    case 'reconnecting':
      return `reconnecting in ${event.delayMs} ms (attempt ${event.attempt})`;
    case 'waiting-approval':
      return event.message;
    case 'device-token-dropped':
      return `the gateway refused the stored device token (${clean(event.reason)}); deleted it and ${
        event.retryWith === 'nothing'
          ? 'retrying without a secret (pass --token to pair again)'
          : `retrying once with the gateway ${event.retryWith}`
      }`;
    case 'error':
      return event.repeated || !event.fix
        ? `connect failed: ${event.reason}`
        : `connect failed: ${event.reason}\n  fix: ${event.fix}`;
    case 'gateway-shutdown':
      return `gateway is shutting down${event.reason ? ` (${clean(event.reason)})` : ''}${event.restartExpectedMs !== undefined ? `, restart expected in ${event.restartExpectedMs} ms` : ''}`;
    case 'invoke': {
      const outcome = event.ok ? 'ok' : `refused ${event.code}`;
      const notes = event.notes.length > 0 ? `: ${event.notes.map(clean).join('; ')}` : '';
      const delivery = event.delivered ? '' : ` (result not delivered: ${event.deliveryError})`;
      return `invoke ${clean(event.command)} ${outcome} in ${event.durationMs} ms${notes}${delivery}`;
    }
    case 'invoke-ignored':
      return `ignored an invoke request: ${event.reason}`;
    case 'internal-error':
      return `error: ${event.message}`;
    case 'notify':
      return `notification: ${clean(event.title)}${event.title && event.body ? ' - ' : ''}${clean(event.body)}`;
    case 'stopping':
      return event.signal ? `received ${event.signal}, stopping` : 'stopping';
    case 'stopped':
      return 'stopped';
  }
}

function describeClose(code: number, reason: string): string {
  const meaning: Record<number, string> = {
    1000: 'closed normally',
    1006: 'connection lost',
    1008: 'policy',
    1009: 'frame too large',
    1012: 'gateway restarting',
  };
  const parts = [`code ${code}`, meaning[code], reason ? clean(reason) : undefined].filter(Boolean);
  return parts.join(', ');
}

/**
 * Text from the gateway (notification titles, command names) never reaches
 * the terminal with control characters: no escape sequences, no fake lines.
 */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this removes
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}
