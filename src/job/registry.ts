/** Maps payload class names to job classes. */
import { ConfigurationError, UnknownJobError } from "../errors.js";
import { isJobClass, jobNameOf, type JobClass } from "./job.js";

export class JobRegistry {
  readonly #jobs = new Map<string, JobClass>();

  register(...jobs: JobClass[]): void {
    for (const job of jobs) {
      if (!isJobClass(job)) {
        throw new ConfigurationError(`Cannot register ${String(job)}: jobs must be classes extending Job (or made with defineJob).`);
      }
      const name = jobNameOf(job);
      if (!name) throw new ConfigurationError("Cannot register an anonymous job class; give it a static jobName.");
      const existing = this.#jobs.get(name);
      if (existing && existing !== job) {
        throw new ConfigurationError(`Two different job classes are named "${name}"; give one a distinct static jobName.`);
      }
      this.#jobs.set(name, job);
    }
  }

  get(name: string): JobClass | undefined {
    return this.#jobs.get(name);
  }

  /** The registered class for a name, or an UnknownJobError that says how to fix it. */
  resolve(name: string, queue?: string): JobClass {
    const job = this.#jobs.get(name);
    if (job) return job;
    const where = queue ? `queue "${queue}" holds class "${name}"` : `job class "${name}" is requested`;
    throw new UnknownJobError(
      `${where}, but no registered job has that name; pass it to new Resque({ jobs }) or load its module with --require.`,
    );
  }

  /** How many classes are registered (registration only adds). */
  get size(): number {
    return this.#jobs.size;
  }

  names(): string[] {
    return [...this.#jobs.keys()].sort();
  }
}
