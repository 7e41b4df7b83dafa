import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseInvocation } from '../../../lambdas/core/parse-event';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, '../../fixtures/events', name), 'utf8'));

describe('parseInvocation', () => {
  it('a scheduled event scans the fleet', () => {
    expect(parseInvocation(fixture('scheduled.json'))).toEqual({ kind: 'scan' });
  });

  it('a stall event runs for that one server', () => {
    expect(parseInvocation(fixture('mgn-data-replication-stalled.json'))).toEqual({
      kind: 'server',
      sourceServerId: 's-12345678901234567',
    });
  });

  it('runs for the server of a NOT_STALLED event, so a recovery is reported within a minute', () => {
    expect(parseInvocation(fixture('mgn-data-replication-not-stalled.json'))).toEqual({
      kind: 'server',
      sourceServerId: 's-12345678901234567',
    });
  });

  it('ignores a stall change to any other state, with a reason', () => {
    const event = {
      ...(fixture('mgn-data-replication-not-stalled.json') as object),
      detail: { state: 'SOMETHING_ELSE' },
    };
    expect(parseInvocation(event)).toEqual({
      kind: 'ignore',
      reason: 'stall change to "SOMETHING_ELSE", not STALLED or NOT_STALLED',
    });
  });

  it.each([
    ['null', null],
    ['a string', 'STALLED'],
    ['another source', { source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification' }],
    [
      'another MGN event',
      {
        source: 'aws.mgn',
        'detail-type': 'MGN Source Server Lifecycle State Change',
        detail: { state: 'READY_FOR_TEST' },
      },
    ],
    [
      'no detail',
      { source: 'aws.mgn', 'detail-type': 'MGN Source Server Data Replication Stalled Change', resources: [] },
    ],
    [
      'no resources',
      {
        source: 'aws.mgn',
        'detail-type': 'MGN Source Server Data Replication Stalled Change',
        detail: { state: 'STALLED' },
      },
    ],
    [
      'a resource that is not a source server',
      {
        source: 'aws.mgn',
        'detail-type': 'MGN Source Server Data Replication Stalled Change',
        detail: { state: 'STALLED' },
        resources: ['arn:aws:mgn:us-east-1:111122223333:job/mgnjob-12345678901234567'],
      },
    ],
    [
      'a source-server ID with shell characters',
      {
        source: 'aws.mgn',
        'detail-type': 'MGN Source Server Data Replication Stalled Change',
        detail: { state: 'STALLED' },
        resources: ['arn:aws:mgn:us-east-1:111122223333:source-server/s-1234;reboot'],
      },
    ],
  ])('ignores %s', (_name, event) => {
    expect(parseInvocation(event).kind).toBe('ignore');
  });
});
