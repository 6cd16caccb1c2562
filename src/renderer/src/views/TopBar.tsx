import { useTranslation } from 'react-i18next';
import type { KeyboardEvent } from 'react';
import { AgentStatus } from '../../../shared/settingsSchemas';
import { savePreferences, setTeamStatus } from '../actions';
import { useChooseOnCommit } from '../hooks/useChooseOnCommit';
import { useNow } from '../hooks/useNow';
import { usePhone, type Tab } from '../store';
import { useShallow } from 'zustand/react/shallow';
import { activityOf, shownAgentState, teamStatusMenu, TIMED_STATES } from '../teamStatus';
import { formatDuration } from './format';

const TABS: Array<{ id: Tab }> = [{ id: 'phone' }, { id: 'history' }, { id: 'settings' }];

export function TopBar() {
  const { t: tr } = useTranslation();
  const tab = usePhone((s) => s.tab);
  const toCallBack = usePhone((s) => s.status?.toCallBack ?? 0);
  const setTab = usePhone((s) => s.setTab);
  const status = usePhone((s) => s.status?.preferences.status ?? 'available');
  const teamMode = usePhone((s) => s.status?.mode === 'relay');

  function onTabKey(event: KeyboardEvent<HTMLDivElement>): void {
    const index = TABS.findIndex((t) => t.id === tab);
    // Right to left (Arabic), the arrow keys follow the reading direction.
    const rtl = document.documentElement.dir === 'rtl';
    const forward = rtl ? 'ArrowLeft' : 'ArrowRight';
    const backward = rtl ? 'ArrowRight' : 'ArrowLeft';
    const next =
      event.key === forward
        ? (index + 1) % TABS.length
        : event.key === backward
          ? (index + TABS.length - 1) % TABS.length
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? TABS.length - 1
              : undefined;
    if (next === undefined) return;
    event.preventDefault();
    setTab(TABS[next]!.id);
    document.getElementById(`tab-${TABS[next]!.id}`)?.focus();
  }
  return (
    <nav className="topbar">
      <div className="agent-state-row">
        {teamMode ? <TeamStatus /> : <DeskStatus status={status} />}
        <AgentStateText />
      </div>
      {/* WAI-ARIA tabs: one tab in the Tab order, arrows and Home/End move between them. */}
      <div className="tabs" role="tablist" aria-label={tr('tabs.label')} onKeyDown={onTabKey}>
        {TABS.map((t) => (
          <button
            key={t.id}
            id={`tab-${t.id}`}
            role="tab"
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            data-testid={`tab-${t.id}`}
            onClick={() => setTab(t.id)}
          >
            {tr(`tabs.${t.id}`)}
            {t.id === 'history' && toCallBack > 0 && (
              <>
                <span className="badge" data-testid="history-badge" aria-hidden="true">
                  {toCallBack}
                </span>
                <span className="sr-only">{tr('history.badge', { count: toCallBack })}</span>
              </>
            )}
          </button>
        ))}
      </div>
    </nav>
  );
}

// The relay's default reasons are translated; an operator's own are shown as written.
const reasonKey = (reason: string) => `notReadyReason.${reason}`;

/** Direct mode: the desk's own Available, Busy and Away. */
function DeskStatus({ status }: { status: AgentStatus }) {
  const { t: tr } = useTranslation();
  const choice = useChooseOnCommit(status, (v) => void savePreferences({ status: AgentStatus.parse(v) }));
  return (
    <select
      aria-label={tr('agentStatus.label')}
      data-testid="agent-status"
      className={`agent-status ${status}`}
      {...choice}
    >
      <option value="available">{tr('agentStatus.available')}</option>
      <option value="busy">{tr('agentStatus.busy')}</option>
      <option value="away">{tr('agentStatus.away')}</option>
    </select>
  );
}

/** Team mode: Available or one of the team's not-ready reasons. */
function TeamStatus() {
  const { t: tr } = useTranslation();
  const status = usePhone((s) => s.status);
  const menu = status ? teamStatusMenu(status) : undefined;
  const choice = useChooseOnCommit(menu?.value ?? 'available', (v) => void setTeamStatus(activityOf(v)));
  if (!menu) return null;
  const reasonText = (reason: string) => tr(reasonKey(reason), { defaultValue: reason });
  return (
    <select
      aria-label={tr('agentStatus.label')}
      data-testid="agent-status"
      className={`agent-status ${menu.value === 'available' ? 'available' : 'away'}`}
      {...choice}
    >
      {menu.options.map((option) => (
        <option key={option} value={option}>
          {option === 'available'
            ? tr('agentStatus.available')
            : tr('teamState.notReadyOption', { reason: reasonText(option) })}
        </option>
      ))}
    </select>
  );
}

/**
 * "On call 3:12", "Not ready: lunch 12:05": the relay's state in a team, the desk's own otherwise, in its colour.
 * Ticking every second, so not a live region.
 */
function AgentStateText() {
  const { t: tr } = useTranslation();
  const now = useNow(1000);
  const status = usePhone((s) => s.status);
  const calls = usePhone(useShallow((s) => Object.values(s.calls)));
  const statusSinceMs = usePhone((s) => s.statusSinceMs);
  const shown = shownAgentState(status, calls, statusSinceMs);
  if (!shown) return null;
  const time = TIMED_STATES.has(shown.state) ? formatDuration(now - shown.sinceMs) : '';
  const reason = shown.reason ? tr(reasonKey(shown.reason), { defaultValue: shown.reason }) : '';
  return (
    <span className={`team-state ${shown.state}`} data-testid="team-state" data-state={shown.state}>
      {tr(`teamState.${shown.state}`, { time, reason })}
    </span>
  );
}
