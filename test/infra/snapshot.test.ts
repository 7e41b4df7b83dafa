// One snapshot of the whole template, to make every infrastructure change visible in review. Update it only on
// purpose (`npx jest --selectProjects infra -u`). Normalised so that it is the same on every machine:
// - asset hashes (the function's S3 key) change with any source file, so they become <hash>;
// - the SSM documents' content is replaced by its file name: the YAML files are reviewed as files and their
//   shape is asserted in doctor-stack.test.ts.
import { DOCUMENT_FILES } from '../../lib/constructs/remediation-documents';
import { synthSpoke, synthStack } from './synth';

type Json = Record<string, unknown>;

function normalise(template: Json): Json {
  const resources = template.Resources as Record<string, { Type: string; Properties: Json }>;
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::SSM::Document') continue;
    const role = (Object.keys(DOCUMENT_FILES) as (keyof typeof DOCUMENT_FILES)[]).find((name) =>
      logicalId.startsWith(`Documents${name}`),
    );
    resource.Properties.Content = `<lib/ssm-documents/${role ? DOCUMENT_FILES[role] : 'unknown'}>`;
  }
  return JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}/g, '<hash>')) as Json;
}

test('DoctorStack template (default context)', () => {
  const { template } = synthStack();
  const normalised = normalise(template.toJSON());
  expect(JSON.stringify(normalised)).not.toMatch(/[0-9a-f]{64}/);
  expect(normalised).toMatchSnapshot();
});

test('SpokeStack template (a hub account and organization)', () => {
  const { template } = synthSpoke();
  const normalised = normalise(template.toJSON());
  expect(JSON.stringify(normalised)).not.toMatch(/[0-9a-f]{64}/);
  expect(normalised).toMatchSnapshot();
});
