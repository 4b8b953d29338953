import { CfnOutput, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { pinLogicalId } from '../constructs/pin-logical-id.js';
import {
  DECISIONS_INDEX,
  REFRESH_INDEX,
  TENANTS_INDEX,
  TABLE_PARTITION_KEY,
  TABLE_SORT_KEY,
  TTL_ATTRIBUTE,
} from '../../../shared/adapters/store/table.js';

/** Logical id of the table; pinned so that no refactor of construct ids can replace the table. */
export const TABLE_LOGICAL_ID = 'InfluenceTable';
/** Logical id of the identity-hash key; a new key would orphan every stored customer key. */
export const IDENTITY_KEY_LOGICAL_ID = 'IdentityHashKey';

/**
 * The stateful half of the deployment: the table (on-demand, point-in-time recovery, deletion
 * protection, retained) and the identity-hash key (generated, retained). Kept apart from the
 * service stack so the service can be torn down and rebuilt without touching data.
 *
 * @example const data = new StatefulStack(app, 'InfluenceRouterData')
 */
export class StatefulStack extends Stack {
  readonly table: TableV2;
  readonly identityKey: Secret;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, { terminationProtection: true, ...props });

    this.table = new TableV2(this, 'Table', {
      // The key schema is the store adapter's, the same one the local table is created with.
      partitionKey: { name: TABLE_PARTITION_KEY, type: AttributeType.STRING },
      sortKey: { name: TABLE_SORT_KEY, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      timeToLiveAttribute: TTL_ATTRIBUTE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: [
        {
          indexName: REFRESH_INDEX.name,
          partitionKey: { name: REFRESH_INDEX.partitionKey, type: AttributeType.STRING },
          sortKey: { name: REFRESH_INDEX.sortKey, type: AttributeType.STRING },
          projectionType: ProjectionType.ALL,
        },
        {
          // Added to a deployed table by the next deploy (one new index per update, as DynamoDB allows).
          indexName: DECISIONS_INDEX.name,
          partitionKey: { name: DECISIONS_INDEX.partitionKey, type: AttributeType.STRING },
          sortKey: { name: DECISIONS_INDEX.sortKey, type: AttributeType.STRING },
          projectionType: ProjectionType.INCLUDE,
          nonKeyAttributes: [...DECISIONS_INDEX.nonKeyAttributes],
        },
        {
          // The tenants as data: added to a deployed table by the deploy that brings it.
          indexName: TENANTS_INDEX.name,
          partitionKey: { name: TENANTS_INDEX.partitionKey, type: AttributeType.STRING },
          sortKey: { name: TENANTS_INDEX.sortKey, type: AttributeType.STRING },
          projectionType: ProjectionType.ALL,
        },
      ],
    });
    pinLogicalId(this.table, TABLE_LOGICAL_ID);

    this.identityKey = new Secret(this, 'IdentityKey', {
      description: 'Influence Router: HMAC key that turns customer identities into customer keys',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    pinLogicalId(this.identityKey, IDENTITY_KEY_LOGICAL_ID);
    Validations.of(this.identityKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Customer keys are HMACs under this key and are stored as table keys: automatic rotation would orphan every profile, alias and survey answer. The key is rotated only by a planned re-keying migration.',
    });

    new CfnOutput(this, 'TableName', { value: this.table.tableName, description: 'The DynamoDB table' });
    new CfnOutput(this, 'IdentityKeySecretArn', {
      value: this.identityKey.secretArn,
      description: 'Secrets Manager secret holding the identity-hash key',
    });
  }
}
