import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { signRequest } from '../../../../shared/adapters/aws/signature-v4.js';

/** The SHA-256 (an HMAC when given a key) the AWS SDK's signer is given, over node:crypto. */
class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    const key =
      secret === undefined || typeof secret === 'string'
        ? secret
        : ArrayBuffer.isView(secret)
          ? Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength)
          : Buffer.from(secret);
    this.hash = key === undefined ? createHash('sha256') : createHmac('sha256', key);
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    if (typeof data === 'string') return void this.hash.update(data);
    this.hash.update(ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {}
}

const CASES: {
  name: string;
  url: string;
  service: string;
  region: string;
  headers: Record<string, string>;
  body: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}[] = [
  {
    name: 'a DynamoDB call with a session token',
    url: 'https://dynamodb.eu-west-1.amazonaws.com/',
    service: 'dynamodb',
    region: 'eu-west-1',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem' },
    body: '{"TableName":"t","Key":{"pk":{"S":"T#acme#C#é"}}}',
    credentials: {
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      sessionToken: 'token/with+odd=chars',
    },
  },
  {
    name: 'an SQS call on a local port, padded header values, no token',
    url: 'http://127.0.0.1:9324/',
    service: 'sqs',
    region: 'us-east-1',
    headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': '  AmazonSQS.SendMessage  ' },
    body: '{"QueueUrl":"http://127.0.0.1:9324/000000000000/events","MessageBody":"{}"}',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  },
  {
    name: 'a path and query to encode',
    url: 'https://example.amazonaws.com/a%20b/c*d?z=1&a=x%20y&a=b',
    service: 'execute-api',
    region: 'ap-southeast-2',
    headers: { 'x-custom': 'one  two' },
    body: '',
    credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
  },
];

describe('signRequest', () => {
  it.each(CASES)('signs $name exactly as the AWS SDK signer does', async (c) => {
    // Arrange
    const now = new Date('2026-12-01T10:20:30.456Z');
    const url = new URL(c.url);
    const reference = new SignatureV4({
      service: c.service,
      region: c.region,
      credentials: c.credentials,
      sha256: Sha256,
      applyChecksum: false,
    });

    // Act
    const ours = signRequest(
      { method: 'POST', url, headers: c.headers, body: c.body },
      { service: c.service, region: c.region, credentials: c.credentials, now },
    );
    const theirs = await reference.sign(
      {
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: decodeURIComponent(url.pathname),
        query: Object.fromEntries(
          [...new Set(url.searchParams.keys())].map((key) => [
            key,
            url.searchParams.getAll(key).length > 1 ? url.searchParams.getAll(key) : (url.searchParams.get(key) ?? ''),
          ]),
        ),
        headers: { ...c.headers, host: url.host },
        body: c.body,
      },
      { signingDate: now },
    );

    // Assert
    expect(ours.authorization).toBe(theirs.headers.authorization);
    expect(ours['x-amz-date']).toBe(theirs.headers['x-amz-date']);
    expect(ours['x-amz-security-token']).toBe(theirs.headers['x-amz-security-token']);
  });

  it("matches AWS's published get-vanilla test vector", () => {
    const headers = signRequest(
      { method: 'GET', url: new URL('https://example.amazonaws.com/'), headers: {}, body: '' },
      {
        service: 'service',
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
        now: new Date('2015-08-30T12:36:00Z'),
      },
    );
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });

  it('changes the signature when a byte of the body changes', () => {
    const scope = { service: 'dynamodb', region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, now: new Date(0) };
    const url = new URL('https://dynamodb.eu-west-1.amazonaws.com/');
    const one = signRequest({ method: 'POST', url, headers: {}, body: '{"a":1}' }, scope);
    const two = signRequest({ method: 'POST', url, headers: {}, body: '{"a":2}' }, scope);
    expect(one.authorization).not.toBe(two.authorization);
  });
});
