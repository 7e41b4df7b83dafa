// A hub's state machine invokes the doctor with its steps' payloads (lambdas/shared/program.ts): each parsed as it
// is, and a malformed one an error naming the key, so the execution shows it instead of a silent success.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { accountOfEvent, parseInvocation, ProgramEventError } from '../../../lambdas/core/parse-event';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(__dirname, '../../fixtures/events', name), 'utf8'));

describe('program payloads', () => {
  it.each([
    [{ program: 'list-accounts', runId: 'prog-1' }],
    [{ program: 'run-account', runId: 'prog-1', account: '111122223333' }],
    [
      {
        program: 'publish-digest',
        runId: '0d5c2a6e-6f1e-4c3b-9e1a-5f0d3c2b1a09',
        results: [
          { account: '111122223333', held: true },
          { account: '444455556666', held: false, failure: 'Account 444455556666: denied' },
          { account: '777788889999', held: false, caught: { Error: 'States.Timeout', Cause: 'timed out' } },
        ],
      },
    ],
  ])('parses %j as it is', (event) => {
    expect(parseInvocation(event)).toEqual({ kind: 'program', event });
  });

  it.each([
    [
      { program: 'list-everything', runId: 'prog-1' },
      'program must be one of list-accounts, run-account, publish-digest',
    ],
    [{ program: 'list-accounts' }, 'runId must be the execution'],
    [{ program: 'list-accounts', runId: 'a/b' }, 'runId must be the execution'],
    [{ program: 'run-account', runId: 'prog-1', account: '1111' }, 'account must be a 12-digit account ID, got "1111"'],
    [{ program: 'publish-digest', runId: 'prog-1' }, "results must be the Map's list of account results"],
    [
      { program: 'publish-digest', runId: 'prog-1', results: [{ account: '111122223333', held: 'yes' }] },
      'results[0].held must be true or false, got "yes"',
    ],
    [
      { program: 'publish-digest', runId: 'prog-1', results: [{ account: '111122223333', held: false, caught: 'x' }] },
      "results[0].caught must be Step Functions' error object",
    ],
  ])('refuses %j, naming the key', (event, message) => {
    expect(() => parseInvocation(event)).toThrow(ProgramEventError);
    expect(() => parseInvocation(event)).toThrow(`Malformed program payload: ${message}`);
  });
});

describe('accountOfEvent', () => {
  it("takes the source server ARN's account", () => {
    expect(accountOfEvent({ ...fixture('mgn-data-replication-stalled.json'), account: '999988887777' })).toBe(
      '111122223333',
    );
  });

  it("falls back to the event's account, and to none", () => {
    expect(accountOfEvent({ account: '444455556666', resources: ['arn:aws:ec2:::x'] })).toBe('444455556666');
    expect(accountOfEvent({ account: 'nope' })).toBeUndefined();
    expect(accountOfEvent('STALLED')).toBeUndefined();
  });
});
