// Keeps each report instead of publishing it; `failures` makes the next publishes fail as SNS can.
import type { Digest } from '../../core/model';
import { deliveredAll, type ChannelDelivery, type OutcomeReport } from '../../core/outcome-report';
import type { OutcomePublisher } from '../../core/ports';

export class RecordingPublisher implements OutcomePublisher {
  /** The e-mail and SMS rendering of each report published. */
  readonly published: Digest[] = [];
  /** Each report published, whole (the facts every other channel renders). */
  readonly reports: OutcomeReport[] = [];
  failures = 0;

  async publish(report: OutcomeReport): Promise<ChannelDelivery> {
    if (this.failures > 0) {
      this.failures -= 1;
      const error = new Error('SNS is unavailable');
      error.name = 'InternalErrorException';
      throw error;
    }
    this.published.push(report.digest);
    this.reports.push(report);
    return deliveredAll('SNS', 1);
  }
}
