// IAM: do the roles MGN creates at initialisation still exist? A deleted one explains service-side errors
// (replication servers that do not launch, conversion that fails) that no host-side repair can fix.
import type { IAMClient } from '@aws-sdk/client-iam';
import { loadIamSdk } from './aws-clients';
import type { ServiceRoleChecker } from '../core/ports';
import { MGN_SERVICE_ROLES } from '../shared/mgn-service-roles';

export class IamServiceRoleChecker implements ServiceRoleChecker {
  /** `iam` builds the client on first use (see createAwsClients): most runs never need it. */
  constructor(private readonly iam: () => IAMClient) {}

  /**
   * One GetRole per role, all at once. NoSuchEntity means missing; any other error (AccessDenied, throttling
   * past the SDK's retries) propagates: "could not check" must never read as "all present".
   */
  async findMissingRoles(): Promise<string[]> {
    const missing = await Promise.all(
      MGN_SERVICE_ROLES.map(async ({ name }) => ((await this.exists(name)) ? undefined : name)),
    );
    return missing.filter((name): name is string => name !== undefined);
  }

  private async exists(roleName: string): Promise<boolean> {
    try {
      await this.iam().send(new (loadIamSdk().GetRoleCommand)({ RoleName: roleName }));
      return true;
    } catch (error) {
      if (isNoSuchEntity(error)) return false;
      throw error;
    }
  }
}

/**
 * IAM's query-protocol code is `NoSuchEntity`; the SDK names the modelled exception `NoSuchEntityException`. By
 * name, so classifying an error never loads the SDK.
 */
function isNoSuchEntity(error: unknown): boolean {
  return error instanceof Error && (error.name === 'NoSuchEntityException' || error.name === 'NoSuchEntity');
}
