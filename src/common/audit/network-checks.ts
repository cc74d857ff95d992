import type { AuditCheck } from './audit.types';
import { addressKind, isProxyAddress } from './address-kind';
import { exposureOf } from './exposure';

const SAFE_REMOTE_ACCESS =
  'keep gateway.bind "loopback" and reach the gateway through an SSH tunnel (`nestclaw tunnel ssh user@host`) or Tailscale Serve (`nestclaw gateway run --tailscale serve`)';

/** A listener beyond loopback: on a tailnet address that is fine, anywhere else it needs a reason. */
export const checkNonLoopbackBind: AuditCheck = ({ config, interfaces }) => {
  const exposure = exposureOf(config, interfaces);
  if (!exposure.network) return [];
  const where = exposure.hosts.join(', ');
  if (exposure.tailnetOnly) {
    return [
      {
        id: 'gateway.bind.non-loopback',
        severity: 'info',
        message: `gateway.bind is "${config.gateway.bind}": the gateway listens on ${where}, reachable from every device in your tailnet`,
        fix: 'fine when every device in the tailnet may try to connect; the token or password still guards access',
      },
    ];
  }
  return [
    {
      id: 'gateway.bind.non-loopback',
      severity: 'warn',
      message: `gateway.bind is "${config.gateway.bind}": the gateway listens on ${where}, not only on loopback`,
      fix: `${SAFE_REMOTE_ACCESS}; if it must listen on a network, use a long random token, turn on gateway.tls and firewall the port`,
    },
  ];
};

/** The bind covers an address the internet can route to. */
export const checkPublicAddress: AuditCheck = ({ config, interfaces }) => {
  const { publicAddresses, hosts } = exposureOf(config, interfaces);
  if (publicAddresses.length === 0) return [];
  return [
    {
      id: 'gateway.bind.public',
      severity: 'critical',
      message:
        `the gateway listens on ${hosts.join(', ')}, which includes the public address ${publicAddresses.join(', ')} of this host: ` +
        'anyone on the internet can reach it and try secrets',
      fix: `${SAFE_REMOTE_ACCESS}; or bind only a private address (gateway.bind "custom" with gateway.customBindHost) and block the port in the firewall`,
    },
  ];
};

export const checkTlsOffOnNetwork: AuditCheck = ({ config, interfaces }) => {
  const exposure = exposureOf(config, interfaces);
  // WireGuard already encrypts tailnet traffic.
  if (!exposure.network || exposure.tailnetOnly || config.gateway.tls.enabled) return [];
  return [
    {
      id: 'gateway.tls.off',
      severity: 'warn',
      message: `TLS is off while the gateway listens on ${exposure.hosts.join(', ')}: tokens, passwords and messages cross the network in clear text`,
      fix: 'set gateway.tls.enabled: true (clients pin the printed fingerprint), or put a TLS-terminating proxy in front on loopback, or bind loopback and use an SSH tunnel',
    },
  ];
};

export const checkFunnel: AuditCheck = ({ config }) => {
  const gateway = config.gateway;
  if (gateway.tailscale.mode !== 'funnel') return [];
  if (gateway.auth.mode !== 'password') {
    return [
      {
        id: 'gateway.tailscale.funnel',
        severity: 'critical',
        message: 'gateway.tailscale.mode is "funnel" (public internet) without password auth',
        fix: 'set gateway.auth.mode "password" with a long NESTCLAW_GATEWAY_PASSWORD, or use gateway.tailscale.mode "serve" to stay inside your tailnet',
      },
    ];
  }
  return [
    {
      id: 'gateway.tailscale.funnel',
      severity: 'warn',
      message:
        'gateway.tailscale.mode is "funnel": the gateway is published on the public internet, guarded only by its password',
      fix: 'prefer gateway.tailscale.mode "serve" (tailnet only) unless devices outside your tailnet must connect; keep the password long and random',
    },
  ];
};

export const checkAllowTailscaleWithFunnel: AuditCheck = ({ config }) => {
  const gateway = config.gateway;
  if (gateway.tailscale.mode !== 'funnel' || !gateway.auth.allowTailscale) return [];
  return [
    {
      id: 'gateway.auth.allow-tailscale-funnel',
      // The gateway ignores it with Funnel; the setting is a trap for the day the mode changes, not an open door.
      severity: 'warn',
      message:
        'gateway.auth.allowTailscale is on together with Tailscale Funnel: public requests arrive through the same local proxy as tailnet ones and carry no identity, so the gateway ignores the setting',
      fix: 'set gateway.auth.allowTailscale: false (or remove it) while Funnel is on; use gateway.tailscale.mode "serve" for identity-based access',
    },
  ];
};

export const checkTrustedProxies: AuditCheck = ({ config }) => {
  const suspicious = config.gateway.trustedProxies.filter((address) => !isProxyAddress(address));
  if (suspicious.length === 0) return [];
  const described = suspicious.map((address) => `${address} (${addressKind(address)})`).join(', ');
  return [
    {
      id: 'gateway.trusted-proxies',
      severity: 'warn',
      message:
        `gateway.trustedProxies lists ${described}: only a reverse proxy on loopback or your private network should be trusted ` +
        'to report client addresses (0.0.0.0 and :: match no peer; they do not mean "any")',
      fix: 'list only the exact loopback or private address of your own reverse proxy, or leave gateway.trustedProxies empty',
    },
  ];
};
