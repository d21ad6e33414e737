/** A clock that moves only when a test moves it, for schedulers and delayed jobs. */
export class ManualClock {
  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  set(at: number | Date | string): void {
    this.current = typeof at === "number" ? at : new Date(at).getTime();
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
