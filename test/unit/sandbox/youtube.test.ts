import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../../infra/sandbox/sandbox.js';
import { type SandboxYoutube, youtubePart } from '../../../infra/sandbox/youtube/index.js';

const KEY = 'AIzaSyTestKeyForTheSandbox0000000000000';
const CHANNEL = 'UC_x5XG1OV2P6uZZ5FSM9Ttw';

let sandbox: Sandbox;
let youtube: SandboxYoutube;

beforeEach(async () => {
  sandbox = await startSandbox({ parts: [youtubePart.with({ keys: [KEY] })] });
  youtube = sandbox.part(youtubePart);
  youtube.addChannel({
    id: CHANNEL,
    handle: 'GoogleDevelopers',
    subscribers: 2_456_789,
    views: 250_000_000,
    videos: 6100,
    publishedAt: '2007-08-23T00:34:43Z',
  });
});

afterEach(async () => {
  await sandbox.close();
});

async function channels(query: string) {
  const response = await fetch(`${youtube.apiUrl}/youtube/v3/channels?${query}`);
  return { status: response.status, json: (await response.json()) as unknown };
}

describe('the sandbox YouTube Data API', () => {
  it('finds a channel by handle, with or without @, its counts as strings', async () => {
    const withAt = await channels(`part=snippet,statistics&forHandle=@googledevelopers&key=${KEY}`);
    const without = await channels(`part=statistics&forHandle=GoogleDevelopers&key=${KEY}`);

    expect(withAt.json).toMatchObject({
      kind: 'youtube#channelListResponse',
      pageInfo: { totalResults: 1 },
      items: [
        {
          id: CHANNEL,
          snippet: { publishedAt: '2007-08-23T00:34:43Z', customUrl: '@googledevelopers' },
          statistics: { subscriberCount: '2450000', viewCount: '250000000', videoCount: '6100', hiddenSubscriberCount: false },
        },
      ],
    });
    expect(without.json).toMatchObject({ items: [{ id: CHANNEL }] });
  });

  it('answers no match with 200 and no items key', async () => {
    const answer = await channels(`part=statistics&id=UCnobodynobodynobody0000&key=${KEY}`);

    expect(answer.status).toBe(200);
    expect(answer.json).not.toHaveProperty('items');
    expect(answer.json).toMatchObject({ pageInfo: { totalResults: 0 } });
  });

  it('leaves a hidden subscriber count out', async () => {
    youtube.updateChannel(CHANNEL, { hiddenSubscriberCount: true });

    const answer = await channels(`part=statistics&id=${CHANNEL}&key=${KEY}`);

    expect(answer.json).toMatchObject({ items: [{ statistics: { hiddenSubscriberCount: true } }] });
    expect(JSON.stringify(answer.json)).not.toContain('subscriberCount"');
  });

  it("refuses a missing key with 403 and an unknown one with 400, in Google's error shape", async () => {
    expect(await channels('part=statistics&forHandle=GoogleDevelopers')).toMatchObject({
      status: 403,
      json: { error: { code: 403, errors: [{ reason: 'forbidden' }] } },
    });
    expect(await channels('part=statistics&forHandle=GoogleDevelopers&key=wrong')).toMatchObject({
      status: 400,
      json: { error: { code: 400, message: 'API key not valid. Please pass a valid API key.' } },
    });
  });

  it('requires part and exactly one filter', async () => {
    expect(await channels(`forHandle=GoogleDevelopers&key=${KEY}`)).toMatchObject({
      status: 400,
      json: { error: { errors: [{ reason: 'required' }] } },
    });
    expect(await channels(`part=statistics&key=${KEY}`)).toMatchObject({
      status: 400,
      json: { error: { errors: [{ reason: 'missingRequiredParameter' }] } },
    });
    expect(await channels(`part=statistics&forHandle=GoogleDevelopers&id=${CHANNEL}&key=${KEY}`)).toMatchObject({
      status: 400,
      json: { error: { errors: [{ reason: 'incompatibleParameters' }] } },
    });
    expect(await channels(`part=everything&id=${CHANNEL}&key=${KEY}`)).toMatchObject({
      status: 400,
      json: { error: { errors: [{ reason: 'unknownPart' }] } },
    });
  });

  it("charges one unit a call, invalid calls included, and answers quotaExceeded past the day's quota", async () => {
    youtube.setQuota(2);

    await channels(`part=statistics&key=${KEY}`);
    const second = await channels(`part=statistics&id=${CHANNEL}&key=${KEY}`);
    const third = await channels(`part=statistics&id=${CHANNEL}&key=${KEY}`);

    expect(second.status).toBe(200);
    expect(youtube.quotaUsed(KEY)).toBe(2);
    expect(third).toMatchObject({
      status: 403,
      json: { error: { code: 403, errors: [{ domain: 'youtube.quota', reason: 'quotaExceeded' }] } },
    });
  });

  it('fails the next calls with quotaExceeded on demand, and counts calls per key', async () => {
    youtube.quotaExceededNext(1);

    const refused = await channels(`part=statistics&id=${CHANNEL}&key=${KEY}`);
    await channels(`part=statistics&id=${CHANNEL}&key=${KEY}`);

    expect(refused).toMatchObject({ status: 403, json: { error: { errors: [{ reason: 'quotaExceeded' }] } } });
    expect(youtube.counts()).toEqual({ byPath: { '/youtube/v3/channels': 2 }, byAuth: { [`key:${KEY}`]: 2 } });
  });
});
