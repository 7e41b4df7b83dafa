import {
  describeMigrationTerms,
  findByNameOrId,
  groupByWave,
  indexMigrationTerms,
  labelMigrationTerms,
  usesMigrationTerms,
  type MigrationTerms,
} from '../../../lambdas/core/migration-terms';
import type { MigrationApplication, MigrationWave } from '../../../lambdas/core/model';
import { aServer, aWaveId, anApplicationId } from '../../fakes/builders';

const WAVE_2 = aWaveId(2);
const WAVE_10 = aWaveId(10);
const GONE_WAVE = aWaveId(99);
const PAYMENTS = anApplicationId(1);
const LEDGER = anApplicationId(2);
const LONER = anApplicationId(3);
const ORPHAN = anApplicationId(4);
const ARCHIVED_APP = anApplicationId(98);

const APPLICATIONS: MigrationApplication[] = [
  { applicationId: PAYMENTS, name: 'payments', waveId: WAVE_10 },
  { applicationId: LEDGER, name: 'ledger', waveId: WAVE_2 },
  { applicationId: LONER, name: 'intranet' },
  { applicationId: ORPHAN, name: 'reports', waveId: GONE_WAVE },
];
const WAVES: MigrationWave[] = [
  { waveId: WAVE_2, name: 'Wave 2' },
  { waveId: WAVE_10, name: 'Wave 10' },
];
const INDEX = indexMigrationTerms(APPLICATIONS, WAVES);

describe('describeMigrationTerms', () => {
  it.each<[string, string | undefined, MigrationTerms | undefined]>([
    ['in no application: nothing to say', undefined, undefined],
    [
      'application in a wave',
      PAYMENTS,
      { applicationId: PAYMENTS, application: 'payments', waveId: WAVE_10, wave: 'Wave 10' },
    ],
    ['application in no wave', LONER, { applicationId: LONER, application: 'intranet' }],
    [
      'wave not listed (archived): its ID',
      ORPHAN,
      { applicationId: ORPHAN, application: 'reports', waveId: GONE_WAVE, wave: GONE_WAVE },
    ],
    [
      'application not listed: its ID, no wave',
      ARCHIVED_APP,
      { applicationId: ARCHIVED_APP, application: ARCHIVED_APP },
    ],
  ])('%s', (_case, applicationId, expected) => {
    expect(describeMigrationTerms(aServer({ applicationId }), INDEX)).toEqual(expected);
  });

  it('says nothing when the fleet uses no applications at all', () => {
    const servers = [aServer(), aServer()];

    expect(usesMigrationTerms(servers)).toBe(false);
    expect(servers.map((server) => describeMigrationTerms(server, indexMigrationTerms([], [])))).toEqual([
      undefined,
      undefined,
    ]);
    expect(usesMigrationTerms([...servers, aServer({ applicationId: PAYMENTS })])).toBe(true);
  });
});

describe('labelMigrationTerms', () => {
  const terms = (application: string, wave?: string): MigrationTerms => ({
    applicationId: PAYMENTS,
    application,
    ...(wave !== undefined && { waveId: WAVE_2, wave }),
  });

  it.each<[string, MigrationTerms | undefined, number, string]>([
    ['no terms', undefined, 60, ''],
    ['wave and application', terms('payments', 'Wave 3'), 60, 'Wave 3 / payments'],
    ['application only', terms('payments'), 60, 'payments'],
    [
      'a long wave name cannot push the application out',
      terms('payments', 'W'.repeat(80)),
      23,
      `${'W'.repeat(9)}… / payments`,
    ],
    [
      'both long: each clipped to half',
      terms('a'.repeat(50), 'w'.repeat(50)),
      23,
      `${'w'.repeat(9)}… / ${'a'.repeat(9)}…`,
    ],
    ['a long application alone', terms('a'.repeat(80)), 10, `${'a'.repeat(9)}…`],
  ])('%s', (_case, input, maxLength, expected) => {
    const label = labelMigrationTerms(input, maxLength);

    expect(label).toBe(expected);
    expect(label.length).toBeLessThanOrEqual(maxLength);
  });
});

describe('groupByWave', () => {
  it('orders waves by name as people number them, keeps item order, and puts servers in no wave last', () => {
    const servers = [
      aServer({ hostname: 'pay-1', applicationId: PAYMENTS }),
      aServer({ hostname: 'free-1' }),
      aServer({ hostname: 'led-1', applicationId: LEDGER }),
      aServer({ hostname: 'intra-1', applicationId: LONER }),
      aServer({ hostname: 'pay-2', applicationId: PAYMENTS }),
      aServer({ hostname: 'rep-1', applicationId: ORPHAN }),
    ];

    const groups = groupByWave(servers, (server) => describeMigrationTerms(server, INDEX));

    expect(groups.map((group) => [group.wave, group.items.map((server) => server.hostname)])).toEqual([
      ['Wave 2', ['led-1']],
      ['Wave 10', ['pay-1', 'pay-2']],
      [GONE_WAVE, ['rep-1']],
      [undefined, ['free-1', 'intra-1']],
    ]);
    expect(groups[1]?.waveId).toBe(WAVE_10);
    expect(groups[3]).not.toHaveProperty('waveId');
  });

  it('gives one group without a wave for a fleet that uses none', () => {
    const servers = [aServer(), aServer()];

    expect(groupByWave(servers, () => undefined)).toEqual([{ items: servers }]);
    expect(groupByWave([], () => undefined)).toEqual([]);
  });
});

describe('findByNameOrId', () => {
  const waves: MigrationWave[] = [
    ...WAVES,
    { waveId: aWaveId(11), name: 'wave 2' },
    { waveId: aWaveId(12), name: 'Wave 20' },
  ];
  const find = (nameOrId: string) => findByNameOrId(waves, (wave) => wave.waveId, nameOrId).map((wave) => wave.waveId);

  it.each<[string, string, string[]]>([
    ['by ID', WAVE_10, [WAVE_10]],
    ['by name, ignoring case and surrounding spaces (names need not be unique)', '  WAVE 2 ', [WAVE_2, aWaveId(11)]],
    ['a name is matched whole, not as a prefix', 'Wave', []],
    ['nothing by that name', 'Wave 3', []],
  ])('%s', (_case, nameOrId, expected) => {
    expect(find(nameOrId)).toEqual(expected);
  });
});
