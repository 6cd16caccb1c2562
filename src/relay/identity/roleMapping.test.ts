import { describe, expect, it } from 'vitest';
import { IdentityRoles } from '../../shared/identityRoles';
import { teamIdentity } from './roleMapping';

const config = IdentityRoles.parse({
  roles: { agent: ['phones'], supervisor: ['leads'], admin: ['it'] },
  queues: { phones: ['sales'], leads: ['sales', 'support'], 'support-desk': ['support'] },
});

describe('teamIdentity', () => {
  it('gives the highest role among the groups, and the queues of every group that names some', () => {
    expect(teamIdentity({ preferred_username: 'asha', groups: ['phones'] }, config)).toEqual({
      ok: true,
      name: 'asha',
      role: 'agent',
      queues: ['sales'],
    });
    expect(teamIdentity({ preferred_username: 'sam', groups: ['phones', 'leads', 'support-desk'] }, config)).toEqual({
      ok: true,
      name: 'sam',
      role: 'supervisor',
      queues: ['sales', 'support'],
    });
    // An admin sees every queue whatever their groups name.
    expect(teamIdentity({ preferred_username: 'ada', groups: ['it', 'phones'] }, config)).toEqual({
      ok: true,
      name: 'ada',
      role: 'admin',
    });
  });

  it('refuses someone in no allowed group, or whose name is not a team name', () => {
    expect(teamIdentity({ preferred_username: 'eve', groups: ['finance'] }, config)).toMatchObject({
      ok: false,
      refusal: 'no_role',
    });
    expect(teamIdentity({ preferred_username: 'eve' }, config)).toMatchObject({ ok: false, refusal: 'no_role' });
    expect(teamIdentity({ preferred_username: 'a b', groups: ['phones'] }, config)).toMatchObject({
      ok: false,
      refusal: 'bad_name',
    });
  });

  it('reads a single group given as a string, and other claim names', () => {
    const custom = IdentityRoles.parse({ groupsClaim: 'roles', nameClaim: 'nick', roles: { agent: ['phones'] } });
    expect(teamIdentity({ nick: 'ben', roles: 'phones' }, custom)).toEqual({ ok: true, name: 'ben', role: 'agent' });
  });
});
