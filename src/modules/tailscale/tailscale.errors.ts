import type { ExposureKind } from './tailscale-cli.repository';

const LOOPBACK_ONLY = 'the gateway keeps running on loopback only';

/** Login links the tailscale CLI prints when Serve/Funnel must first be enabled for the tailnet; the only output worth passing on. */
export function tailscaleConsentLink(output: string): string | undefined {
  return /https:\/\/login\.tailscale\.com\/\S+/.exec(output)?.[0];
}

/**
 * Why Serve/Funnel is not active, each naming the fix. They are warnings, not
 * refusals: a gateway reachable on loopback is still useful.
 */
export const TailscaleProblems = {
  notInstalled: (kind: ExposureKind) =>
    `gateway.tailscale.mode is "${kind}" but the tailscale command is not on PATH: install Tailscale (https://tailscale.com/download), run \`tailscale up\`, then restart the gateway; ${LOOPBACK_ONLY}`,
  daemonUnreachable: (kind: ExposureKind) =>
    `gateway.tailscale.mode is "${kind}" but \`tailscale status\` failed (is tailscaled running?): start it (e.g. \`sudo systemctl enable --now tailscaled\`), run \`tailscale up\`, then restart the gateway; ${LOOPBACK_ONLY}`,
  loggedOut: (kind: ExposureKind, backendState: string) =>
    `gateway.tailscale.mode is "${kind}" but Tailscale is not connected (state ${backendState}): run \`tailscale up\` to log in, then restart the gateway; ${LOOPBACK_ONLY}`,
  noMagicDns: (kind: ExposureKind) =>
    `gateway.tailscale.mode is "${kind}" but this machine has no MagicDNS name: enable MagicDNS and HTTPS certificates for your tailnet (admin console, DNS page), then restart the gateway; ${LOOPBACK_ONLY}`,
  exposeFailed: (kind: ExposureKind, command: string, output: string, timedOut: boolean) => {
    const link = tailscaleConsentLink(output);
    const what = timedOut ? `\`${command}\` did not finish in time` : `\`${command}\` failed`;
    const fix = link
      ? `${kind === 'funnel' ? 'Funnel' : 'Serve'} must be enabled for this tailnet first: open ${link}, then restart the gateway`
      : `run \`${command}\` yourself to see why (Serve${kind === 'funnel' ? ' and Funnel' : ''} must be enabled for the tailnet, and your user may need \`sudo tailscale set --operator=$USER\`), then restart the gateway`;
    return `${what}: ${fix}; ${LOOPBACK_ONLY}`;
  },
  resetFailed: (command: string) =>
    `could not undo the Tailscale configuration on exit: run \`${command}\` by hand, or it keeps forwarding HTTPS to a stopped gateway`,
  identityIgnoredWithFunnel: () =>
    'gateway.auth.allowTailscale is ignored with tailscale.mode "funnel": Funnel is public, so every client must present the password',
};
