import { type DocumentClient, PutCommand } from '../aws/dynamodb.js';
import type { SurveyAnswerWrite } from '../../domain/survey-answers.js';

/** The attribute that holds which version of a survey answer an item is (`answerRevision`). */
export const REVISION_ATTRIBUTE = 'revision';

/**
 * Puts one version of a survey answer unless the item holds a newer version of it: a conditional
 * write, so of two versions written at once, in either order, the newer stays. The same version
 * again (a retry) is written again; an item stored before versions were kept is replaced; an item
 * without a revision (a bulk load) is put as it is.
 *
 * @example await putNewestAnswer(client, tableName, { ...key, ...answer, revision }) // 'written' or 'superseded'
 */
export async function putNewestAnswer(
  client: DocumentClient,
  tableName: string,
  item: Record<string, unknown>,
): Promise<SurveyAnswerWrite> {
  const revision = item[REVISION_ATTRIBUTE];
  if (typeof revision !== 'string') {
    await client.send(new PutCommand({ TableName: tableName, Item: item }));
    return 'written';
  }
  try {
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#revision) OR #revision <= :revision',
        ExpressionAttributeNames: { '#revision': REVISION_ATTRIBUTE },
        ExpressionAttributeValues: { ':revision': revision },
      }),
    );
    return 'written';
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return 'superseded';
    throw error;
  }
}
