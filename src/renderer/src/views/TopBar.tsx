import { useTranslation } from 'react-i18next';
import type { KeyboardEvent } from 'react';
import { AgentStatus } from '../../../shared/settingsSchemas';
import { savePreferences } from '../actions';
import { usePhone, type Tab } from '../store';

const TABS: Array<{ id: Tab }> = [{ id: 'phone' }, { id: 'history' }, { id: 'settings' }];

export function TopBar() {
  const { t: tr } = useTranslation();
  const tab = usePhone((s) => s.tab);
  const toCallBack = usePhone((s) => s.status?.toCallBack ?? 0);
  const setTab = usePhone((s) => s.setTab);
  const status = usePhone((s) => s.status?.preferences.status ?? 'available');

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
      <select
        aria-label={tr('agentStatus.label')}
        data-testid="agent-status"
        className={`agent-status ${status}`}
        value={status}
        onChange={(e) => void savePreferences({ status: AgentStatus.parse(e.target.value) })}
      >
        <option value="available">{tr('agentStatus.available')}</option>
        <option value="busy">{tr('agentStatus.busy')}</option>
        <option value="away">{tr('agentStatus.away')}</option>
      </select>
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
