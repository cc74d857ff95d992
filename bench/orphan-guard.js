'use strict';
// Preloaded (`node --require bench/orphan-guard.js bin/nestclaw gateway run ...`)
// into the gateway the Telegram-flow phase starts. The bench opens an IPC
// channel to it only to notice its own death: when the channel goes away
// (bench exited, crashed or was killed), this sends the gateway SIGTERM, the
// signal `gateway run` already handles with a clean stop. Nothing else of
// the gateway changes.
if (typeof process.send === 'function') {
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
