import { describe, expect, it } from 'vitest';
import { flatten } from './catalogParity';
import { en } from './en';
import { ptBR } from './ptBR';

const english = flatten(en);
const portuguese = flatten(ptBR);
const word = (words: string) => new RegExp(`(^|[^\\p{L}])(${words})(?![\\p{L}])`, 'iu');

describe('the desk in Portuguese names each thing one way', () => {
  it('the desk is a estação wherever the English says desk, never a mesa or a posto', () => {
    const saysDesk = Object.keys(english).filter((k) => word('desks?').test(english[k]!));
    expect(saysDesk.length).toBeGreaterThan(15);
    const otherwise = saysDesk.filter((k) => !word('estaç(ão|ões)').test(portuguese[k]!));
    expect(otherwise.map((k) => `${k}: ${portuguese[k]}`)).toEqual([]);
    const otherWords = Object.entries(portuguese).filter(([, text]) => word('mesas?|postos?').test(text));
    expect(otherWords).toEqual([]);
  });

  it('the team relay is the relay, as the board and the README call it, never a relé', () => {
    expect(Object.values(portuguese).filter((text) => word('relés?').test(text))).toEqual([]);
    expect(Object.values(portuguese).filter((text) => word('relay').test(text)).length).toBeGreaterThan(20);
  });

  it('hold is em espera and call waiting a chamada aguardando, so neither reads as the other', () => {
    const saysWaiting = Object.keys(english).filter((k) => /call waiting/i.test(english[k]!));
    expect(saysWaiting.length).toBeGreaterThan(1);
    const notAguardando = saysWaiting.filter((k) => !/chamadas? aguardando/i.test(portuguese[k]!));
    expect(notAguardando.map((k) => `${k}: ${portuguese[k]}`)).toEqual([]);
    const emEsperaNotHold = Object.keys(portuguese).filter(
      (k) => /em espera/i.test(portuguese[k]!) && !/\bhold|\bheld/i.test(english[k]!),
    );
    expect(emEsperaNotHold.map((k) => `${k}: ${portuguese[k]}`)).toEqual([]);
  });
});
