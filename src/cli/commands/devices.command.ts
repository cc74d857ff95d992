import type { Command } from 'commander';
import { withTargetOptions } from './target-options';

const impl = () => import('./devices');

export function registerDevices(program: Command): void {
  const devices = program.command('devices').description('pair and revoke the devices that connect to the gateway');
  withTargetOptions(devices.command('list').description('pending pairing requests and paired devices')).action(async (o) =>
    (await impl()).list(o),
  );
  withTargetOptions(devices.command('approve <requestId>').description('approve a pending pairing request')).action(
    async (id, o) => (await impl()).approve(id, o),
  );
  withTargetOptions(devices.command('reject <requestId>').description('reject a pending pairing request')).action(async (id, o) =>
    (await impl()).reject(id, o),
  );
  withTargetOptions(
    devices
      .command('revoke <deviceId>')
      .description('revoke a device: its tokens stop working, its sessions close, and it must pair again'),
  ).action(async (id, o) => (await impl()).revoke(id, o));
}
