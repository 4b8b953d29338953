import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { failedRecords, type ReceivedMessage, toSqsRecord } from '../../../infra/local/sqs-event-source.js';

const ARN = 'arn:aws:sqs:eu-west-1:000000000000:influence-router-events';

const MESSAGE: ReceivedMessage = {
  MessageId: 'm-1',
  ReceiptHandle: 'rh-1',
  Body: '{"type":"TicketCreated"}',
  MD5OfBody: '0123456789abcdef0123456789abcdef',
  MD5OfMessageAttributes: 'fedcba9876543210fedcba9876543210',
  Attributes: {
    ApproximateReceiveCount: '3',
    SentTimestamp: '1700000000000',
    SenderId: 'AIDA',
    ApproximateFirstReceiveTimestamp: '1700000000100',
    AWSTraceHeader: 'Root=1-abc',
  },
  MessageAttributes: {
    tenant: { DataType: 'String', StringValue: 'acme' },
    rateLimitedCount: { DataType: 'Number', StringValue: '2' },
    blob: { DataType: 'Binary', BinaryValue: 'AAEC' },
  },
};

describe('toSqsRecord', () => {
  it("gives the record Lambda's event source gives: system attributes as received, message attributes in lower case with their type", () => {
    const record = toSqsRecord(MESSAGE, ARN);

    expect(record).toEqual({
      messageId: 'm-1',
      receiptHandle: 'rh-1',
      body: '{"type":"TicketCreated"}',
      attributes: {
        ApproximateReceiveCount: '3',
        SentTimestamp: '1700000000000',
        SenderId: 'AIDA',
        ApproximateFirstReceiveTimestamp: '1700000000100',
        AWSTraceHeader: 'Root=1-abc',
      },
      messageAttributes: {
        tenant: { stringValue: 'acme', stringListValues: [], binaryListValues: [], dataType: 'String' },
        rateLimitedCount: { stringValue: '2', stringListValues: [], binaryListValues: [], dataType: 'Number' },
        blob: { binaryValue: 'AAEC', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
      },
      md5OfBody: '0123456789abcdef0123456789abcdef',
      md5OfMessageAttributes: 'fedcba9876543210fedcba9876543210',
      eventSource: 'aws:sqs',
      eventSourceARN: ARN,
      awsRegion: 'eu-west-1',
    });
  });

  it('gives a message without attributes an empty map, as Lambda does', () => {
    const { MessageAttributes: _attributes, MD5OfMessageAttributes: _md5, ...bare } = MESSAGE;

    const record = toSqsRecord(bare, ARN);

    expect(record.messageAttributes).toEqual({});
    expect(record).not.toHaveProperty('md5OfMessageAttributes');
  });
});

describe('failedRecords', () => {
  const records = [
    toSqsRecord(MESSAGE, ARN),
    toSqsRecord({ ...MESSAGE, MessageId: 'm-2', ReceiptHandle: 'rh-2' }, ARN),
  ] satisfies SQSRecord[];

  it('fails none when the response names none, or there is no response', () => {
    expect(failedRecords(records, { response: { batchItemFailures: [] } })).toEqual(new Set());
    expect(failedRecords(records, { response: undefined })).toEqual(new Set());
  });

  it('fails the records the response names', () => {
    expect(failedRecords(records, { response: { batchItemFailures: [{ itemIdentifier: 'm-2' }] } })).toEqual(new Set(['m-2']));
  });

  it.each([
    ['the handler threw', { thrown: new Error('crashed') }],
    ['the response names a record not in the batch', { response: { batchItemFailures: [{ itemIdentifier: 'm-9' }] } }],
    ['the response names an empty identifier', { response: { batchItemFailures: [{ itemIdentifier: '' }] } }],
  ])('fails the whole batch when %s, as Lambda does', (_case, outcome) => {
    expect(failedRecords(records, outcome)).toEqual(new Set(['m-1', 'm-2']));
  });
});
