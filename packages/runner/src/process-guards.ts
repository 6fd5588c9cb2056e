// What the server and the runners do with an error nobody caught.
// - An unhandled promise rejection (typically a library dropping a promise, such as a websocket
//   send on a socket that just closed) is logged with its stack, and trading goes on. Node's
//   default would end the process on the spot: every bot's orders left resting at the venues
//   with nobody watching them, which is worse than the stray rejection.
// - An uncaught exception leaves state unknown: the server shuts down the way a SIGTERM does
//   (bots stop and cancel their orders) and exits 1, so the supervisor (systemd
//   Restart=on-failure, Docker's restart policy) starts it again and the bots resume after
//   reconciling with their venues.

export interface ProcessGuardTarget {
  error(details: Record<string, unknown>, message: string): void;
  /** A graceful shutdown that ends the process with `exitCode`. */
  shutdown(reason: string, exitCode: number): void;
}

function describe(reason: unknown): Record<string, unknown> {
  if (reason instanceof Error) return { error: reason.message, stack: reason.stack };
  return { error: String(reason) };
}

export function installProcessGuards(target: ProcessGuardTarget): () => void {
  const onRejection = (reason: unknown): void => {
    target.error(describe(reason), 'unhandled promise rejection (logged; trading continues)');
  };
  const onException = (error: Error): void => {
    target.error(describe(error), 'uncaught exception: stopping bots, cancelling their orders and exiting');
    target.shutdown('uncaught exception', 1);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
