/**
 * What a command has opened, closed last-opened-first however the command ends, so a failure
 * half way through never leaves a dev server, an emulator or a worker running. The order
 * matters: a worker must stop before the connection it polls on closes (the connection refuses
 * to close under a worker), and the connection before the server goes away.
 */
export interface Closable {
  close(): Promise<void>;
}

export class OpenResources {
  readonly #opened: { name: string; resource: Closable }[] = [];

  /** Records what was just opened, under a name for messages; returns it, so both read as one line. */
  add<T extends Closable>(name: string, resource: T): T {
    this.#opened.push({ name, resource });
    return resource;
  }

  /**
   * Closes everything, last opened first. A failure to close one goes to `onFailure` and the
   * rest are still closed: it must never replace the error that ended the command.
   */
  async closeAll(onFailure: (name: string, error: unknown) => void): Promise<void> {
    for (const { name, resource } of this.#opened.splice(0).reverse()) {
      try {
        await resource.close();
      } catch (error) {
        onFailure(name, error);
      }
    }
  }
}
