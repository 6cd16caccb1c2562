import { describe, expect, it } from 'vitest';
import { TeamQueues } from '../shared/teamQueues';
import { parseTokenArgs, TOKEN_USAGE, unknownQueues } from './tokenArgs';

describe('token command arguments', () => {
  it('reads an agent, a supervisor, and a supervisor limited to queues, in any order', () => {
    expect(parseTokenArgs(['asha'])).toEqual({ supervisor: false, name: 'asha' });
    expect(parseTokenArgs(['--supervisor', 'sam'])).toEqual({ supervisor: true, name: 'sam' });
    expect(parseTokenArgs(['--supervisor', 'sally', '--queues', 'sales, support'])).toEqual({
      supervisor: true,
      name: 'sally',
      queues: ['sales', 'support'],
    });
    expect(parseTokenArgs(['--queues', 'sales', 'sally', '--supervisor'])).toMatchObject({ queues: ['sales'] });
  });

  it('refuses what it cannot read, queues for an agent, and malformed queue lists', () => {
    expect(() => parseTokenArgs([])).toThrow(TOKEN_USAGE);
    expect(() => parseTokenArgs(['asha', 'ben'])).toThrow(TOKEN_USAGE);
    expect(() => parseTokenArgs(['--supervisr', 'sam'])).toThrow(TOKEN_USAGE);
    expect(() => parseTokenArgs(['asha', '--queues', 'sales'])).toThrow('--supervisor');
    expect(() => parseTokenArgs(['--supervisor', 'sam', '--queues'])).toThrow('--queues');
    expect(() => parseTokenArgs(['--supervisor', 'sam', '--queues', 'sales,sales'])).toThrow('twice');
    expect(() => parseTokenArgs(['--supervisor', 'sam', '--queues', 'Sales'])).toThrow('queue id');
  });

  it('reads an admin, alone with a name', () => {
    expect(parseTokenArgs(['--admin', 'ada'])).toEqual({ supervisor: true, admin: true, name: 'ada' });
    expect(() => parseTokenArgs(['--admin', 'ada', '--queues', 'sales'])).toThrow('--admin');
    expect(() => parseTokenArgs(['--admin', '--supervisor', 'ada'])).toThrow('--admin');
  });

  it('names the queues the team’s queues file lacks', () => {
    const team = TeamQueues.parse({ defaultQueue: 'sales', queues: [{ id: 'sales', name: 'Sales', agents: '*' }] });
    expect(unknownQueues(['sales', 'vip'], team)).toEqual(['vip']);
    expect(unknownQueues(['vip'], undefined)).toEqual([]);
    expect(unknownQueues(undefined, team)).toEqual([]);
  });
});
