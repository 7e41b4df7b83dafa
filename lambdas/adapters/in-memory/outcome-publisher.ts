// Keeps each digest instead of publishing it; `failures` makes the next publishes fail as SNS can.
import type { Digest } from '../../core/model';
import type { OutcomePublisher } from '../../core/ports';

export class RecordingPublisher implements OutcomePublisher {
  readonly published: Digest[] = [];
  failures = 0;

  async publish(digest: Digest): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      const error = new Error('SNS is unavailable');
      error.name = 'InternalErrorException';
      throw error;
    }
    this.published.push(digest);
  }
}
