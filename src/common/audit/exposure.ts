import type { ResolvedConfig } from '../config';
import { InterfaceTable, resolveBindHosts } from '../net/bind';
import { addressKind } from './address-kind';

export interface Exposure {
  /** The addresses the gateway would listen on; empty when the bind cannot be resolved (start-up refuses it). */
  hosts: readonly string[];
  /** Listens beyond loopback. */
  network: boolean;
  /** Listens only on this host's Tailscale address. */
  tailnetOnly: boolean;
  /** Internet-routable addresses of this host the listener covers. */
  publicAddresses: string[];
  /** Reachable from anything but this host: a non-loopback bind or Tailscale Serve/Funnel. */
  exposed: boolean;
}

export function exposureOf(config: ResolvedConfig, interfaces: InterfaceTable): Exposure {
  const gateway = config.gateway;
  const bind = resolveBindHosts(gateway.bind, gateway.customBindHost, interfaces);
  const hosts = bind.ok ? bind.hosts : [];
  const network = bind.ok && !bind.loopbackOnly;
  const covered = hosts.flatMap((host) => coveredAddresses(host, interfaces));
  return {
    hosts,
    network,
    tailnetOnly: network && hosts.every((host) => addressKind(host) === 'tailnet'),
    publicAddresses: [...new Set(covered.filter((address) => addressKind(address) === 'public'))],
    exposed: network || gateway.tailscale.mode !== 'off',
  };
}

/** 0.0.0.0 listens on every IPv4 address, :: on every address; anything else on itself. */
function coveredAddresses(host: string, interfaces: InterfaceTable): string[] {
  const all = Object.values(interfaces).flatMap((entries) => entries ?? []);
  if (host === '0.0.0.0') return all.filter((entry) => entry.family === 'IPv4').map((entry) => entry.address);
  if (host === '::') return all.map((entry) => entry.address);
  return [host];
}
