/** A port our process needs is held by another program; the message says which and what to do. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly purpose: string,
    hint: string,
  ) {
    super(`Port ${port} (${purpose}) is already in use by another program: ${hint}`);
    this.name = 'PortInUseError';
  }
}
