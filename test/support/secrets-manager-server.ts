import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback Secrets Manager: what it holds, and how to reach and stop it. */
export interface LoopbackSecretsManager {
  /** `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL_SECRETS_MANAGER` or a client's endpoint. */
  endpoint: string;
  /** Secret strings by name; set one to seed it. */
  secrets: Map<string, string>;
  /** Every operation received, in order. */
  operations: string[];
  close(): Promise<void>;
}

/**
 * A Secrets Manager on loopback that keeps the service's JSON 1.1 contract for the operations
 * onboarding uses (GetSecretValue, CreateSecret, PutSecretValue): `x-amz-target:
 * secretsmanager.<Operation>`, `application/x-amz-json-1.1` bodies, a SigV4 Authorization for the
 * `secretsmanager` service, and its error codes (ResourceNotFoundException, ResourceExistsException,
 * InvalidParameterException) in `__type`.
 *
 * @example const sm = await startLoopbackSecretsManager(); process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = sm.endpoint;
 */
export async function startLoopbackSecretsManager(): Promise<LoopbackSecretsManager> {
  const secrets = new Map<string, string>();
  const operations: string[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      const answer = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(body));
      };
      const error = (status: number, type: string, message: string) => answer(status, { __type: type, message });
      const target = String(req.headers['x-amz-target'] ?? '');
      if (req.method !== 'POST' || !target.startsWith('secretsmanager.'))
        return error(400, 'UnknownOperationException', `unknown target ${target}`);
      if (!String(req.headers['content-type'] ?? '').startsWith('application/x-amz-json-1.1'))
        return error(400, 'SerializationException', 'content-type must be application/x-amz-json-1.1');
      if (
        !/^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/secretsmanager\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/.test(
          String(req.headers.authorization ?? ''),
        )
      ) {
        return error(403, 'IncompleteSignatureException', 'the request is not signed for secretsmanager');
      }
      let input: Record<string, unknown>;
      try {
        input = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return error(400, 'SerializationException', 'the body is not JSON');
      }
      const operation = target.slice('secretsmanager.'.length);
      operations.push(operation);
      const id = input['SecretId'] ?? input['Name'];
      if (typeof id !== 'string' || id.length === 0) return error(400, 'InvalidParameterException', 'SecretId (or Name) is required');
      const value = input['SecretString'];
      const arn = `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${id}-AbCdEf`;
      if (operation === 'GetSecretValue') {
        const held = secrets.get(id);
        if (held === undefined) return error(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
        return answer(200, {
          ARN: arn,
          Name: id,
          SecretString: held,
          VersionId: 'v1',
          VersionStages: ['AWSCURRENT'],
          CreatedDate: Date.now() / 1000,
        });
      }
      if (operation === 'CreateSecret' || operation === 'PutSecretValue') {
        if (typeof value !== 'string' || value.length === 0) return error(400, 'InvalidParameterException', 'SecretString is required');
        if (operation === 'CreateSecret' && secrets.has(id))
          return error(400, 'ResourceExistsException', `The operation failed because the secret ${id} already exists.`);
        if (operation === 'PutSecretValue' && !secrets.has(id))
          return error(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
        secrets.set(id, value);
        return answer(200, {
          ARN: arn,
          Name: id,
          VersionId: `v${operations.length}`,
          ...(operation === 'PutSecretValue' ? { VersionStages: ['AWSCURRENT'] } : {}),
        });
      }
      return error(400, 'UnknownOperationException', `the loopback Secrets Manager does not serve ${operation}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    secrets,
    operations,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
