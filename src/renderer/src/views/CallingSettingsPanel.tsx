import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  callHoursProblems,
  sipProblems,
  type CallingSettingsChange,
  type SipProblem,
  type CallingSettingsView,
  type WEEK_DAYS,
} from '../../../shared/callingSettings';
import { CallHoursEditor } from './CallHoursEditor';
import { readCallingSettings, saveCallingSettings } from '../actions';
import { FindingsList } from './FindingsList';
import { SipProblems, SipSettings } from './SipSettings';
import { callHoursProblemText } from './callHoursWords';
import { resultText } from './Said';

type OnOff = 'ENABLED' | 'DISABLED';

function Toggle(props: { id: string; label: string; on: boolean; set: (on: boolean) => void }) {
  return (
    <label className="radio">
      <input
        type="checkbox"
        data-testid={`calling-${props.id}`}
        checked={props.on}
        onChange={(e) => props.set(e.target.checked)}
      />
      {props.label}
    </label>
  );
}

/** The number's calling settings at WhatsApp, for an operator whose token may manage them. */
export function CallingSettingsPanel() {
  const { t, i18n } = useTranslation();
  const [view, setView] = useState<CallingSettingsView>();
  const [values, setValues] = useState<CallingSettingsChange>();
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  /** What WhatsApp would refuse in the hours as edited, said before anything is sent. */
  const [problems, setProblems] = useState<string[]>([]);
  const [countries, setCountries] = useState('');
  const [sipFound, setSipFound] = useState<SipProblem[]>([]);

  function show(next: CallingSettingsView): void {
    if (!next.ok && next.problems) return setSipFound(next.problems);
    if (!next.ok && next.hoursProblems)
      return setProblems(next.hoursProblems.map((p) => callHoursProblemText(p, t, i18n.language)));
    setView(next);
    if (next.ok) setCountries((next.values.restrict_to_user_countries ?? []).join(', '));
    if (next.ok)
      setValues({
        ...next.values,
        weekly_operating_hours: next.openingPeriods.map((p) => ({
          ...p,
          day_of_week: p.day_of_week.toUpperCase() as (typeof WEEK_DAYS)[number],
        })),
        holiday_schedule: next.holidays,
      });
  }

  useEffect(() => {
    void readCallingSettings().then(show);
  }, []);

  async function save(): Promise<void> {
    if (!values) return;
    const codes = countries
      .split(/[\s,]+/)
      .map((c) => c.trim().toUpperCase())
      .filter(Boolean);
    const found = [
      ...callHoursProblems(values).map((p) => callHoursProblemText(p, t, i18n.language)),
      ...codes.filter((c) => !/^[A-Z]{2}$/.test(c)).map((code) => t('callingSettings.countryCode', { code })),
    ];
    const sipFoundNow = sipProblems(values.sip, values.srtp_key_exchange_protocol);
    setProblems(found);
    setSipFound(sipFoundNow);
    if (found.length > 0 || sipFoundNow.length > 0) return;
    setSaving(true);
    setSaved(false);
    // SIP and the key exchange go to WhatsApp only when changed here: left alone, they stay as WhatsApp has them.
    const held = view?.ok ? view.values : undefined;
    const change: CallingSettingsChange = { ...values, restrict_to_user_countries: codes };
    if (JSON.stringify(values.sip) === JSON.stringify(held?.sip)) delete change.sip;
    if (values.srtp_key_exchange_protocol === held?.srtp_key_exchange_protocol)
      delete change.srtp_key_exchange_protocol;
    const next = await saveCallingSettings(change);
    setSaving(false);
    show(next);
    setSaved(next.ok);
  }

  const onOff = (on: boolean): OnOff => (on ? 'ENABLED' : 'DISABLED');
  return (
    <section className="card" data-testid="calling-settings" aria-labelledby="calling-settings-title">
      <h2 id="calling-settings-title">{t('callingSettings.title')}</h2>
      <p className="hint" id="calling-settings-saves" data-testid="calling-saves">
        {t('callingSettings.saves')}
      </p>
      {!view && <p>{t('callingSettings.reading')}</p>}
      {view && !view.ok && (
        <p className="error" role="alert" data-testid="calling-error">
          {resultText(view, t)}
        </p>
      )}
      {view?.ok && values && (
        <>
          <FindingsList findings={view.findings} testId="calling-findings" />
          <Toggle
            id="status"
            label={t('callingSettings.status')}
            on={values.status === 'ENABLED'}
            set={(on) => setValues({ ...values, status: onOff(on) })}
          />
          <Toggle
            id="icon"
            label={t('callingSettings.icon')}
            on={values.call_icon_visibility === 'DEFAULT'}
            set={(on) => setValues({ ...values, call_icon_visibility: on ? 'DEFAULT' : 'DISABLE_ALL' })}
          />
          <Toggle
            id="callback"
            label={t('callingSettings.callback')}
            on={values.callback_permission_status === 'ENABLED'}
            set={(on) => setValues({ ...values, callback_permission_status: onOff(on) })}
          />
          <Toggle
            id="g711"
            label={t('callingSettings.g711')}
            on={(values.additional_codecs ?? []).length > 0}
            set={(on) => setValues({ ...values, additional_codecs: on ? ['PCMA', 'PCMU'] : [] })}
          />
          <label className="field">
            <span>{t('callingSettings.countries')}</span>
            <input data-testid="calling-countries" value={countries} onChange={(e) => setCountries(e.target.value)} />
          </label>
          <Toggle
            id="hours"
            label={t('callingSettings.hours')}
            on={values.call_hours_status === 'ENABLED'}
            set={(on) => setValues({ ...values, call_hours_status: onOff(on) })}
          />
          <label className="field">
            <span>{t('callingSettings.timezone')}</span>
            <input
              data-testid="calling-timezone"
              value={values.timezone_id}
              onChange={(e) => setValues({ ...values, timezone_id: e.target.value })}
            />
          </label>
          <p data-testid="calling-schedule">
            {view.openingPeriods.length === 0
              ? t('callingSettings.noHours')
              : t('callingSettings.open', {
                  periods: view.openingPeriods
                    .map((p) => `${p.day_of_week.slice(0, 3)} ${p.open_time}–${p.close_time}`)
                    .join(', '),
                })}{' '}
            {view.holidays.length === 0
              ? t('callingSettings.noHolidays')
              : t('callingSettings.holidays', { dates: view.holidays.map((h) => h.date).join(', ') })}
          </p>
          <CallHoursEditor
            periods={values.weekly_operating_hours ?? []}
            holidays={values.holiday_schedule ?? []}
            onChange={(periods, holidays) =>
              setValues({
                ...values,
                weekly_operating_hours: periods as CallingSettingsChange['weekly_operating_hours'],
                holiday_schedule: holidays,
              })
            }
          />
          {values.sip && (
            <SipSettings
              sip={values.sip}
              srtp={values.srtp_key_exchange_protocol ?? 'DTLS'}
              onChange={(sip, srtp) => setValues({ ...values, sip, srtp_key_exchange_protocol: srtp })}
            />
          )}
          <SipProblems problems={sipFound} />
          {problems.length > 0 && (
            <ul className="error" role="alert" data-testid="calling-problems">
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
          <div className="actions">
            <button
              data-testid="calling-save"
              aria-describedby="calling-settings-saves"
              disabled={saving}
              onClick={() => void save()}
            >
              {saving ? t('callingSettings.saving') : t('callingSettings.save')}
            </button>
          </div>
          {saved && (
            <p className="ok" role="status" data-testid="calling-saved">
              {t('callingSettings.saved')}
            </p>
          )}
        </>
      )}
    </section>
  );
}
