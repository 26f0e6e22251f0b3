/**
 * Resolves on the first SIGINT or SIGTERM so the caller can stop things in order. A second signal
 * (a user pressing Ctrl-C again) exits at once; signals within the first second are ignored,
 * because `npm start` relays the terminal's Ctrl-C to us a second time (the terminal sends it to us too).
 */
export function shutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let firstAt: number | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      if (firstAt === undefined) {
        firstAt = Date.now();
        resolve(signal);
      } else if (Date.now() - firstAt > 1_000) {
        console.error(`${signal} again: exiting without a clean shutdown`);
        process.exit(130);
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
