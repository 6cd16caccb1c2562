import { AgentStatus } from '../../../shared/settingsSchemas';
import { savePreferences } from '../actions';
import { usePhone, type Tab } from '../store';

const TABS: Array<{ id: Tab; label: string }> = [
  { id: 'phone', label: 'Phone' },
  { id: 'history', label: 'History' },
  { id: 'settings', label: 'Settings' },
];

export function TopBar() {
  const tab = usePhone((s) => s.tab);
  const setTab = usePhone((s) => s.setTab);
  const status = usePhone((s) => s.status?.preferences.status ?? 'available');
  return (
    <nav className="topbar">
      <select
        aria-label="Agent status"
        data-testid="agent-status"
        className={`agent-status ${status}`}
        value={status}
        onChange={(e) => void savePreferences({ status: AgentStatus.parse(e.target.value) })}
      >
        <option value="available">Available</option>
        <option value="busy">Busy</option>
        <option value="away">Away</option>
      </select>
      <div className="tabs" role="tablist">
        {TABS.map((t) => (
          <button
            key={t.id}
            role="tab"
            aria-selected={tab === t.id}
            data-testid={`tab-${t.id}`}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
    </nav>
  );
}
