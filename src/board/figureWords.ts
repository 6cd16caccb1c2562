import type { BoardFigures } from '../shared/boardSchemas';
import { say } from './i18n';

/** CSAT: the customers' average rating and how many rated (post-call survey); '–' where nobody rated. */
export const csatWords = (f: Pick<BoardFigures, 'csatAvg' | 'csatCount'>): string =>
  f.csatAvg === undefined ? '–' : say('unit.csat', { avg: f.csatAvg, count: f.csatCount ?? 0 });

/** What bots did with the line's calls: handled alone, escalated to agents, handed back by an agent. */
export const assistantWords = (f: Pick<BoardFigures, 'bot'>): string =>
  f.bot ? say('unit.assistant', { ...f.bot }) : '–';
