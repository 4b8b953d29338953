import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One way for DynamoDB to fail a request, as the real service does. */
export type DynamoFault =
  | 'ProvisionedThroughputExceededException'
  | 'ThrottlingException'
  | 'InternalServerError'
  /** No answer until the client gives up. */
  | 'hang'
  /** Carried out, then the connection closed before the answer: a write that happened without the caller knowing. */
  | 'lost-answer';

/** A rule: which requests fail, how, and how many (all matching while `count` is absent). */
export interface FaultRule {
  fault: DynamoFault;
  /** The DynamoDB operation, e.g. `PutItem` (every one when absent). */
  operation?: string;
  /** Only requests whose JSON body contains this text. */
  bodyIncludes?: string;
  /** The share of matching requests that fail (default all). */
  rate?: number;
  count?: number;
}

const ERROR_TYPES: Record<string, { status: number; type: string; message: string }> = {
  ProvisionedThroughputExceededException: {
    status: 400,
    type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded.',
  },
  ThrottlingException: {
    status: 400,
    type: 'com.amazon.coral.availability#ThrottlingException',
    message: 'Rate of requests exceeds the allowed throughput.',
  },
  InternalServerError: { status: 500, type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' },
};

/**
 * A loopback proxy in front of DynamoDB Local that fails requests the way DynamoDB does: its
 * throttling and server errors with their real wire shape, answers that never come, answers lost
 * after the write, and outages (every connection dropped). Everything else passes through.
 *
 * @example const proxy = await startDynamoFaultProxy(endpoint); proxy.add({ fault: 'ThrottlingException', rate: 0.3 })
 */
export async function startDynamoFaultProxy(target: string, random: () => number = Math.random) {
  const upstream = new URL(target);
  const rules: (FaultRule & { used: number })[] = [];
  const sockets = new Set<Socket>();
  let down = false;
  const seen: { operation: string; fault?: DynamoFault }[] = [];

  const take = (operation: string, body: string): DynamoFault | undefined => {
    for (const rule of rules) {
      if (rule.operation !== undefined && rule.operation !== operation) continue;
      if (rule.bodyIncludes !== undefined && !body.includes(rule.bodyIncludes)) continue;
      if (rule.count !== undefined && rule.used >= rule.count) continue;
      if (rule.rate !== undefined && random() >= rule.rate) continue;
      rule.used += 1;
      return rule.fault;
    }
    return undefined;
  };

  const forward = (method: string, path: string, headers: Record<string, string | string[] | undefined>, body: Buffer) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
      const outgoing = httpRequest(
        { host: upstream.hostname, port: upstream.port, method, path, headers: { ...headers, host: upstream.host } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }));
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  const server: Server = createServer((req, res) => {
    if (down) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const fault = take(operation, body.toString('utf8'));
      seen.push(fault ? { operation, fault } : { operation });
      if (fault === 'hang') return;
      const error = fault ? ERROR_TYPES[fault] : undefined;
      if (error) {
        res.writeHead(error.status, {
          'content-type': 'application/x-amz-json-1.0',
          'x-amzn-errortype': error.type.split('#')[1] ?? error.type,
        });
        res.end(JSON.stringify({ __type: error.type, message: error.message }));
        return;
      }
      forward(req.method ?? 'POST', req.url ?? '/', req.headers, body).then(
        (answer) => {
          if (fault === 'lost-answer') {
            req.socket.destroy();
            return;
          }
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body);
        },
        () => req.socket.destroy(),
      );
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    add(rule: FaultRule): void {
      rules.push({ ...rule, used: 0 });
    },
    clear(): void {
      rules.length = 0;
    },
    /** An outage: every connection is dropped until `restore()`. */
    outage(): void {
      down = true;
      for (const socket of sockets) socket.destroy();
    },
    restore(): void {
      down = false;
    },
    /** Every request seen, with the fault it got. */
    seen: () => [...seen],
    async close(): Promise<void> {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
