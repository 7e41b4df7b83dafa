// Which servers become OpsItems, with what (docs/design.md section 7, "OpsCenter"): escalations (told now, or
// reminded), hosts blocked for opsItemBlockedHours; never in a dry run; a recovery resolves with a note.
import { dedupStringOf, OPS_ITEM_LIMITS, planOpsItems } from '../../../lambdas/core/ops-items';
import { aStalledServer } from '../../fakes/builders';
import { aRunReport, aServerReport, NOW } from '../../fakes/reports';

const options = { blockedHours: 24 };

describe('planOpsItems', () => {
  it.each([
    ['escalated, told now', 1, aServerReport('escalated')],
    [
      'escalated, reminded (a create lost to a crash is made good)',
      1,
      { ...aServerReport('escalated'), news: 'REMINDER' as const },
    ],
    ['treated', 0, aServerReport('treated')],
    ['treated, restart failed', 0, aServerReport('failed')],
    ['blocked (UNMANAGED) for 26 hours', 1, aServerReport('blocked')],
    ['recovered', 0, aServerReport('recovered')],
  ])('%s → %i to open', (_, count, server) => {
    expect(planOpsItems(aRunReport([server]), options).opens).toHaveLength(count);
  });

  it('a host blocked for less than opsItemBlockedHours, or with the option at 0, opens none', () => {
    const blocked = aServerReport('blocked');
    expect(planOpsItems(aRunReport([blocked]), { blockedHours: 27 }).opens).toHaveLength(0);
    expect(planOpsItems(aRunReport([blocked]), { blockedHours: 0 }).opens).toHaveLength(0);
  });

  it('an escalation: title names the server and condition, severity by condition, ARN, commands, advice, dedup', () => {
    const server = aStalledServer({ hostname: 'db-primary' });
    const [draft] = planOpsItems(aRunReport([aServerReport('escalated', server)]), options).opens;

    expect(draft).toMatchObject({
      sourceServerId: server.sourceServerId,
      title: `MGN STALLED AGENT_NOT_SEEN escalated: db-primary (${server.sourceServerId})`,
      severity: '2',
      resourceArn: server.arn,
      dedupString: `mgn-doctor ${server.sourceServerId} 2026-11-25T06:00:00.000Z`,
    });
    expect(draft?.details.mgnDoctorCommands).toBe(
      `#1 ${NOW.toISOString()}: RestartReplicationAgent Failed on mi-00000000000000001 (11111111-2222-3333-4444-555555555555), CheckDiskSpace Success on mi-00000000000000001 (11111111-2222-3333-4444-555555555555)`,
    );
    expect(draft?.details.mgnDoctorAdvice).toMatch(/^MGN has not heard from the AWS Replication Agent/);
    expect(draft?.description).toContain('Advice: MGN has not heard');
    // A hub opens member accounts' items in its own OpsCenter: each says whose server it is.
    expect(draft?.description).toContain(`Account ${draft?.details.mgnDoctorAccount}, `);
    expect(draft?.details.mgnDoctorAccount).toMatch(/^\d{12}$/);
    expect(draft?.description.length).toBeLessThanOrEqual(OPS_ITEM_LIMITS.description);
  });

  it('severity: DISCONNECTED 1, STALLED 2, a blocked host 3', () => {
    const disconnected = aServerReport(
      'escalated',
      aStalledServer({ dataReplicationState: 'DISCONNECTED', errorCode: undefined }),
    );
    const plan = planOpsItems(
      aRunReport([disconnected, aServerReport('escalated'), aServerReport('blocked')]),
      options,
    );
    expect(plan.opens.map((draft) => draft.severity)).toEqual(['1', '2', '3']);
  });

  it('the dedup string is the same for every run of one episode and new for the next', () => {
    expect(dedupStringOf('s-00000000000000001', 'a')).toBe(dedupStringOf('s-00000000000000001', 'a'));
    expect(dedupStringOf('s-00000000000000001', 'a')).not.toBe(dedupStringOf('s-00000000000000001', 'b'));
    const first = planOpsItems(aRunReport([aServerReport('escalated')]), options).opens[0];
    expect(first?.dedupString.length).toBeLessThanOrEqual(64);
  });

  it('a hostile hostname stays one plain line in the title, and the title within its limit', () => {
    const server = aStalledServer({ hostname: `evil\nSeverity: 1\u202e${'x'.repeat(2000)}` });
    const [draft] = planOpsItems(aRunReport([aServerReport('escalated', server)]), options).opens;
    expect(draft?.title).not.toMatch(/[\n\u202e]/);
    expect(draft?.title.length).toBeLessThanOrEqual(OPS_ITEM_LIMITS.title);
  });

  it('a recovery resolves, with a note of what happened', () => {
    const recovered = aServerReport('recovered');
    const plan = planOpsItems(aRunReport([recovered]), options);
    expect(plan.resolutions).toEqual([
      {
        sourceServerId: recovered.server.sourceServerId,
        note: `Recovered at ${NOW.toISOString()} after 1 treatment(s) by the doctor: recovered.`,
      },
    ]);
  });

  it('a dry run opens and resolves nothing', () => {
    const plan = planOpsItems(
      aRunReport([aServerReport('escalated'), aServerReport('recovered')], { dryRun: true }),
      options,
    );
    expect(plan).toEqual({ opens: [], resolutions: [] });
  });
});
