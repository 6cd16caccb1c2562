import type { IceServer, IceTransportPolicy } from '../shared/iceServers';
import { turnUrls } from '../shared/gatheringEnough';
import {
  checkTurnForm,
  type SavedTurn,
  type TurnField,
  type TurnSaveResult,
  type TurnSettingsForm,
  type TurnSettingsView,
} from '../shared/turnSettings';
import { turnCredentials, turnRenewalMs, type TurnSettings } from '../relay/turnCredentials';
import type { Environment } from './config';
import type { SettingsStore } from './settingsStore';

/** The fields the environment sets: WA_TURN_URLS brings its secret and lifetime with it. */
export function turnFieldsFromEnvironment(environment: Environment): TurnField[] {
  const fields: TurnField[] = environment.turn ? ['turnUrls', 'turnSecret', 'turnLifetimeSeconds'] : [];
  if (environment.iceTransportPolicyFromEnvironment) fields.push('turnRelayOnly');
  return fields;
}

/** The TURN servers and policy in force: each environment variable set wins over the saved field. */
export function turnInForce(
  saved: SavedTurn,
  environment: Environment,
): { turn?: TurnSettings; policy: IceTransportPolicy } {
  const own = saved.urls.length > 0 && saved.secret !== '' ? saved : undefined;
  const turn =
    environment.turn ?? (own && { urls: own.urls, secret: own.secret, lifetimeSeconds: own.lifetimeSeconds });
  const policy = environment.iceTransportPolicyFromEnvironment
    ? environment.iceTransportPolicy
    : saved.relayOnly
      ? 'relay'
      : 'all';
  return { turn, policy };
}

/**
 * A desk on its own with TURN makes its own credentials (the TURN REST convention, as a team relay does), fresh again
 * at half their life; a save in Settings takes effect at once, so the next call uses it without a restart.
 */
export function createDeskTurn(settings: SettingsStore, environment: Environment, changed: () => void) {
  // Settings' TURN is the direct mode's: in a team the relay hands out its own (the environment still applies).
  const direct = () => settings.connection().mode === 'direct';
  const locked = turnFieldsFromEnvironment(environment);
  let servers: IceServer[] = [];
  let renewal: ReturnType<typeof setInterval> | undefined;

  function apply(): void {
    clearInterval(renewal);
    const turn = turnInForce(settings.turn(), environment).turn;
    servers = turn ? [turnCredentials(turn, 'desk')] : [];
    renewal = turn
      ? setInterval(() => {
          servers = [turnCredentials(turn, 'desk')];
          changed();
        }, turnRenewalMs(turn))
      : undefined;
    renewal?.unref?.();
  }

  function view(): TurnSettingsView {
    const saved = settings.turn();
    const env = environment.turn;
    return {
      turnUrls: env ? env.urls : saved.urls,
      turnSecretSet: env ? true : saved.secret !== '',
      turnLifetimeSeconds: env ? env.lifetimeSeconds : saved.lifetimeSeconds,
      turnRelayOnly: turnInForce(saved, environment).policy === 'relay',
      fromEnvironment: locked,
    };
  }

  function save(form: TurnSettingsForm): TurnSaveResult {
    const turnElsewhere = environment.turn !== undefined || turnUrls(environment.iceServers).length > 0;
    const checked = checkTurnForm(form, { saved: settings.turn(), fromEnvironment: locked, turnElsewhere });
    if (!checked.ok) return checked;
    settings.saveTurn(checked.next);
    apply();
    changed();
    return { ok: true, settings: view() };
  }

  apply();
  return {
    iceServers: (): IceServer[] => (environment.turn || direct() ? servers : []),
    policy: (): IceTransportPolicy =>
      direct() || environment.iceTransportPolicyFromEnvironment
        ? turnInForce(settings.turn(), environment).policy
        : environment.iceTransportPolicy,
    view,
    save,
    stop: (): void => clearInterval(renewal),
  };
}
