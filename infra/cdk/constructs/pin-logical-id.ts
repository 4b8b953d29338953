import { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Fixes a resource's CloudFormation logical id, so that renaming or moving its construct can
 * never make CloudFormation replace it (and lose what it holds).
 *
 * @example pinLogicalId(table, 'InfluenceTable')
 */
export function pinLogicalId(construct: IConstruct, logicalId: string): void {
  const resource = construct.node.defaultChild;
  if (!CfnResource.isCfnResource(resource)) {
    throw new Error(`Cannot pin the logical id of ${construct.node.path}: it has no CloudFormation resource`);
  }
  resource.overrideLogicalId(logicalId);
}
