/**
 * A level-triggered wake-up: the work loop waits on it; job completions, enqueue notifications,
 * pause/resume and stop requests poke it. A poke that arrives while nobody waits is remembered,
 * so no event between "queues were empty" and "start waiting" is lost.
 */
export class Wakeup {
  #pending = false;
  #resolve: (() => void) | undefined;
  #pokes = 0;

  /** How many times poke() has been called; lets the loop see events that raced a Redis call. */
  get pokes(): number {
    return this.#pokes;
  }

  poke(): void {
    this.#pokes++;
    if (this.#resolve) {
      const resolve = this.#resolve;
      this.#resolve = undefined;
      resolve();
    } else {
      this.#pending = true;
    }
  }

  /** Resolves on the next poke (or at once if one is pending), or after timeoutMs. */
  wait(timeoutMs: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#resolve = undefined;
        resolve();
      }, timeoutMs);
      this.#resolve = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Forget a poke that arrived while the loop was busy anyway. */
  clear(): void {
    this.#pending = false;
  }
}
