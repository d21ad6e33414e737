/** The jobs of the pool example: each takes a moment, and says which release performed it. */
import { Job } from "resque-ts";

export class BuildReport extends Job<[reportId: number]> {
  static override queue = "reports";
  async perform(reportId: number) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    process.stdout.write(`performed report ${reportId} by release ${process.env.RELEASE ?? "?"}\n`);
  }
}
