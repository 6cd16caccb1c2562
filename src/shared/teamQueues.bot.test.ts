import { describe, expect, it } from 'vitest';
import { TeamQueues } from './teamQueues';

const TOKEN = 'a-bot-token-of-at-least-32-characters!!';
const withBot = (queue: Record<string, unknown>) =>
  TeamQueues.safeParse({ defaultQueue: 'front', queues: [{ id: 'front', name: 'Front', agents: '*', ...queue }] });
const problems = (result: ReturnType<typeof withBot>) =>
  result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);

describe('a queue’s bot in the queues file', () => {
  it('takes an anchored queue’s bot with its defaults: 3 s to answer, the customer not shared, leaving once an agent has the call', () => {
    const parsed = withBot({ media: 'anchored', bot: { url: 'https://bot.example/api/offer', token: TOKEN } });
    expect(parsed.success && parsed.data.queues[0]!.bot).toEqual({
      url: 'https://bot.example/api/offer',
      token: TOKEN,
      answerSeconds: 3,
      shareCustomer: false,
      stayListening: false,
      name: 'Assistant',
      protocol: 'smallwebrtc',
    });
    expect(withBot({ media: 'anchored', bot: { url: 'http://127.0.0.1:7860/api/offer', token: TOKEN } }).success).toBe(
      true,
    );
  });

  it('names what is wrong: a direct-media queue, plain http to another machine, a short token', () => {
    expect(problems(withBot({ bot: { url: 'https://bot.example/api/offer', token: TOKEN } }))).toEqual([
      'queues.0.bot: a bot joins the call on the media server: set "media": "anchored"',
    ]);
    expect(
      problems(withBot({ media: 'anchored', bot: { url: 'http://bot.example/api/offer', token: TOKEN } })),
    ).toEqual(['queues.0.bot.url: https://, or http:// on this machine only']);
    expect(problems(withBot({ media: 'anchored', bot: { url: 'https://bot.example/', token: 'short' } }))).toEqual([
      'queues.0.bot.token: at least 32 characters',
    ]);
  });

  it('takes named hand-back bots on an anchored queue, and names a repeated id, the reserved id and direct media', () => {
    const survey = { id: 'survey', name: 'Survey', url: 'https://survey.example/api/offer', token: TOKEN };
    const parsed = withBot({ media: 'anchored', handBack: [survey] });
    expect(parsed.success && parsed.data.queues[0]!.handBack.map((b) => [b.id, b.name])).toEqual([
      ['survey', 'Survey'],
    ]);
    expect(problems(withBot({ handBack: [survey] }))).toEqual([
      'queues.0.handBack: a bot joins the call on the media server: set "media": "anchored"',
    ]);
    expect(problems(withBot({ media: 'anchored', handBack: [survey, survey] }))).toEqual([
      'queues.0.handBack: a hand-back bot id twice',
    ]);
    expect(problems(withBot({ media: 'anchored', handBack: [{ ...survey, id: 'queue-bot' }] }))).toEqual([
      "queues.0.handBack.0.id: queue-bot names the queue's own bot",
    ]);
  });
});
