'use strict';
const v8 = require('node:v8');
// Shared by the bench's server children: IPC commands and clean exit.
// Commands (process.send replies carry the same `cmd`):
//   {cmd:'rss'}  -> runs global.gc() twice (needs --expose-gc), replies memoryUsage()
//                   plus the physical size of each V8 heap space
//   {cmd:'cpu'}  -> replies process.cpuUsage() (user/system microseconds)
//   {cmd:'exit'} -> closes the server, then exits 0 (lets --cpu-prof write its file)

function serveIpc({ name, close }) {
  let exiting = false;
  const exit = async (code) => {
    if (exiting) return;
    exiting = true;
    const hard = setTimeout(() => process.exit(code), 3000);
    hard.unref();
    try {
      await close();
    } catch (error) {
      process.stderr.write(`[${name}] close failed: ${error && error.stack ? error.stack : error}\n`);
    }
    process.exit(code);
  };

  process.on('message', (msg) => {
    if (!msg || typeof msg !== 'object') return;
    if (msg.cmd === 'rss') {
      if (typeof global.gc === 'function') {
        global.gc();
        global.gc();
      }
      const mem = process.memoryUsage();
      // Physical size of V8's spaces: tells live objects (old) from a young
      // generation that grew under allocation pressure and stays committed (new).
      const spaces = {};
      for (const space of v8.getHeapSpaceStatistics())
        spaces[space.space_name.replace(/_space$/, '')] = space.physical_space_size;
      process.send({ cmd: 'rss', gc: typeof global.gc === 'function', ...mem, spaces });
    } else if (msg.cmd === 'cpu') {
      process.send({ cmd: 'cpu', ...process.cpuUsage() });
    } else if (msg.cmd === 'exit') {
      exit(0);
    }
  });
  // The parent went away (crash, Ctrl-C, watchdog): never outlive it.
  process.on('disconnect', () => exit(0));
  process.on('SIGTERM', () => exit(0));
  process.on('SIGINT', () => exit(0));
  process.on('uncaughtException', (error) => {
    if (error && error.code === 'EMFILE') {
      process.stderr.write(`[${name}] EMFILE: too many open files; raise the limit (ulimit -n 4096) and rerun\n`);
    } else {
      process.stderr.write(`[${name}] uncaught: ${error && error.stack ? error.stack : error}\n`);
    }
    exit(1);
  });
}

module.exports = { serveIpc };
