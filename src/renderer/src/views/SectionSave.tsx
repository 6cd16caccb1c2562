import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** A panel's part in its section's one Save: false when its values were refused (the panel says why). */
type Saver = () => Promise<boolean>;

const Savers = createContext<Map<string, Saver> | undefined>(undefined);

/**
 * Joins a panel to its section's Save. Only a changed panel is saved, so an untouched one never writes its
 * defaults over what the team or the agent chose elsewhere.
 */
export function useSectionSaver(id: string, changed: boolean, save: () => Promise<boolean>): void {
  const savers = useContext(Savers);
  const latest = useRef({ changed, save });
  latest.current = { changed, save };
  useEffect(() => {
    savers?.set(id, () => (latest.current.changed ? latest.current.save() : Promise.resolve(true)));
    return () => void savers?.delete(id);
  }, [savers, id]);
}

/** Why a panel's values were refused, beside them. */
export function PanelError(props: { error?: string; testId?: string }) {
  if (!props.error) return null;
  return (
    <p className="error" role="alert" data-testid={props.testId}>
      {props.error}
    </p>
  );
}

/** A settings section with one Save for all its panels, kept in view at the bottom of the page. */
export function SavedSection(props: { children: ReactNode }) {
  const { t } = useTranslation();
  const [savers] = useState(() => new Map<string, Saver>());
  const [outcome, setOutcome] = useState<'saved' | 'refused'>();
  const [saving, setSaving] = useState(false);
  async function saveAll(): Promise<void> {
    setOutcome(undefined);
    setSaving(true);
    const results: boolean[] = [];
    for (const save of savers.values()) results.push(await save());
    setSaving(false);
    setOutcome(results.every(Boolean) ? 'saved' : 'refused');
  }
  return (
    <Savers.Provider value={savers}>
      {props.children}
      <div className="section-save">
        <button className="answer" data-testid="section-save" disabled={saving} onClick={() => void saveAll()}>
          {t('settings.saveSection')}
        </button>
        {outcome && (
          <p className={outcome === 'saved' ? 'ok' : 'error'} role="status" data-testid="section-saved">
            {t(outcome === 'saved' ? 'settings.sectionSaved' : 'settings.sectionRefused')}
          </p>
        )}
      </div>
    </Savers.Provider>
  );
}
